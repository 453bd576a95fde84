import type { EditStreamEvent } from '../../../engine/src/editing/schema';
import type { AiProviderName } from '../ai/api';
import { apiStream } from '../app/api';

export type { EditStreamEvent };
/** The final event of an edit stream: the validated reply (engine/src/editing/schema.ts editResultEvent). */
export type EditResult = Extract<EditStreamEvent, { type: 'reply' }>;
export type EditReply = EditResult['reply'];

export interface EditSelection {
  text: string;
  start: number;
  end: number;
}

export interface EditRequest {
  instruction: string;
  currentPrompt: string;
  selection?: EditSelection;
  history: Array<{ role: 'user' | 'assistant'; content: string }>;
  /** The organization's provider and model (Settings › AI) when absent. */
  provider?: AiProviderName;
  model?: string;
}

export const editPath = (organizationId: string, projectId: string) => `/api/dashboard/orgs/${organizationId}/projects/${projectId}/ai/edit`;

/** Streams one AI edit: each event to `onEvent` as it arrives (deltas, then a reply or an error). */
export function streamEdit(organizationId: string, projectId: string, request: EditRequest, onEvent: (event: EditStreamEvent) => void, signal?: AbortSignal): Promise<void> {
  return apiStream(editPath(organizationId, projectId), request, (data) => onEvent(data as EditStreamEvent), signal);
}
