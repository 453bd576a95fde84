/** The AI instructions page's calls (engine: engine/src/ai/instructions-routes.ts). */
export interface InstructionsEntry {
  task: string;
  name: string;
  description: string;
  active: { text: string; source: 'default' | 'organization'; version: number };
  defaultInstructions: { version: number; text: string; updatedAt: string | null };
  override: { projectId: string; promptKey: string; productionVersion: number | null; latestVersion: number | null; createdAt: string } | null;
  defaultChangedSinceOverride: boolean;
}

export const instructionsPath = (organizationId: string) => `/api/dashboard/orgs/${organizationId}/ai/instructions`;
export const instructionsKey = (organizationId: string) => ['orgs', organizationId, 'ai', 'instructions'] as const;
export const customizePath = (organizationId: string, task: string) => `${instructionsPath(organizationId)}/${encodeURIComponent(task)}/customize`;
