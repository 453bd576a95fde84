import type { DataProvider } from '../data/provider.js';
import type { ResolvedPrompt } from '../data/prompts.js';
import { aiTasks, DEFAULT_INSTRUCTIONS_VERSION, defaultInstructions, type AiTask } from './instruction-defaults.js';

export { aiTasks, type AiTask };

/**
 * Where an organization keeps its own AI instructions: a project with this slug. A prompt there whose
 * key is a task's (`forprompt.analyze`, …) overrides the default through its `production` label, so the
 * override is versioned, diffed and deployed like any prompt (and gated, when the label is protected).
 */
export const INSTRUCTIONS_PROJECT_SLUG = 'forprompt';
export const INSTRUCTIONS_LABEL = 'production';

export interface AiInstructions {
  text: string;
  /** `default`: shipped with the app; `organization`: the organization's own prompt. */
  source: 'default' | 'organization';
  /** The defaults' version (DEFAULT_INSTRUCTIONS_VERSION), or the organization prompt's version number. */
  version: number;
}

/**
 * The instructions (system prompt) of an AI task for an organization: its own `production` version of
 * the task's prompt in its `forprompt` project when there is one with text, else the app's default.
 * Every AI feature asks here; none keeps its instructions inline.
 */
export async function aiInstructions(services: { provider: DataProvider }, organizationId: string, task: AiTask): Promise<AiInstructions> {
  const projects = await services.provider.projects.list(organizationId);
  const instructionsProject = projects.find((project) => project.slug === INSTRUCTIONS_PROJECT_SLUG);
  if (instructionsProject) {
    const own = await services.provider.prompts.resolve(instructionsProject.id, task, { label: INSTRUCTIONS_LABEL });
    const text = own ? textOf(own) : '';
    if (own && text) return { text, source: 'organization', version: own.version.version };
  }
  return { text: defaultInstructions[task], source: 'default', version: DEFAULT_INSTRUCTIONS_VERSION };
}

/** A text prompt's template; a chat prompt's system messages (the instructions are a system prompt). */
function textOf(resolved: ResolvedPrompt): string {
  const { template, messages } = resolved.version;
  if (template !== null) return template.trim();
  return (messages ?? [])
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n')
    .trim();
}
