/** Prompt bundles: a project's prompts with every version and label, as one JSON file (engine/src/prompts/bundle.ts). */

export const bundlePath = (organizationId: string, projectId: string) => `/api/dashboard/orgs/${organizationId}/projects/${projectId}/prompt-bundle`;

/** The download of some prompts (`keys`) or of the whole project. */
export function bundleDownloadUrl(organizationId: string, projectId: string, keys?: string[]): string {
  return keys ? `${bundlePath(organizationId, projectId)}?${new URLSearchParams({ keys: keys.join(',') })}` : bundlePath(organizationId, projectId);
}

export type ImportStatus = 'created' | 'updated' | 'unchanged' | 'merged' | 'conflict';

export interface ImportOptions {
  /** When versions here differ from the bundle's: leave the prompt alone, or add the bundle's after ours. */
  onConflict: 'skip' | 'append';
  /** Move labels to where the bundle has them. */
  labels: boolean;
}

export interface ImportResult {
  key: string;
  status: ImportStatus;
  versionsAdded: number;
  labelsMoved: Array<{ label: string; from: number | null; to: number }>;
  /** Why nothing (or not everything) was imported for this prompt. */
  conflict: string | null;
  /** Fields whose values here differ from the bundle's: reported, never overwritten. */
  metadataDiffers: string[];
}

export interface ImportReport {
  dryRun: boolean;
  results: ImportResult[];
  summary: { created: number; updated: number; unchanged: number; merged: number; conflicts: number };
}
