import type { DataProvider, SystemProjectSpec, WriteContext } from '../data/provider.js';
import type { ImportItem, PromptSummary, ResolvedPrompt } from '../data/prompts.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { versionFrom } from '../prompts/service.js';
import { aiTasks, aiTaskTitles, defaultInstructions, type AiTask } from './instruction-defaults.js';

export { aiTasks, type AiTask };

/**
 * Where an organization keeps its own AI instructions: a project with this slug. A prompt there whose
 * key is a task's (`forprompt.analyze`, …) overrides the default through its `production` label, so the
 * override is versioned, diffed and deployed like any prompt (and gated, when the label is protected).
 */
export const INSTRUCTIONS_PROJECT_SLUG = 'forprompt';
export const INSTRUCTIONS_LABEL = 'production';

/**
 * The instance-wide defaults live as prompts in a built-in system project (seeded at start-up from
 * instruction-defaults.ts, a new version whenever the shipped text changes), in an organization no one
 * is a member of: readable by every organization through the AI instructions page, writable by none.
 */
export const SYSTEM_INSTRUCTIONS_PROJECT: SystemProjectSpec = {
  settingKey: 'system.ai_instructions_project',
  organizationName: 'ForPrompt (built-in)',
  projectName: 'AI instructions (built-in)',
  projectSlug: INSTRUCTIONS_PROJECT_SLUG,
  projectDescription: "The instructions of the AI features, shipped with the app. An organization overrides one with a prompt of the same key in its own 'forprompt' project.",
};

const SYSTEM: WriteContext = { actor: { type: 'system' } };

export interface AiInstructions {
  text: string;
  /** `default`: shipped with the app; `organization`: the organization's own prompt. */
  source: 'default' | 'organization';
  /** The version of the system project's prompt (or of the organization's own prompt) in use. */
  version: number;
}

type Services = { provider: DataProvider };

/**
 * The instructions (system prompt) of an AI task for an organization: its own `production` version of
 * the task's prompt in its `forprompt` project when there is one with text, else the instance's default
 * (the system project's `production` version; the shipped text itself before the first seeding).
 * Every AI feature asks here; none keeps its instructions inline.
 */
export async function aiInstructions(services: Services, organizationId: string, task: AiTask): Promise<AiInstructions> {
  const project = await instructionsProjectOf(services, organizationId);
  const production = project ? await services.provider.prompts.resolve(project.id, task, { label: INSTRUCTIONS_LABEL }) : null;
  return ownInstructions(production) ?? defaultOf(services, task);
}

/** The organization's own instructions from its prompt's `production` version, unless it has no text. */
function ownInstructions(production: ResolvedPrompt | null): AiInstructions | null {
  const text = production ? textOf(production) : '';
  return production && text ? { text, source: 'organization', version: production.version.version } : null;
}

async function defaultOf(services: Services, task: AiTask): Promise<AiInstructions> {
  const system = await services.provider.instance.findSystemProject(SYSTEM_INSTRUCTIONS_PROJECT);
  return defaultFrom(await seededDefault(services, system?.projectId ?? null, task), task);
}

/** The task's `production` prompt in the system project (null before the first seeding). */
function seededDefault(services: Services, systemProjectId: string | null, task: AiTask): Promise<ResolvedPrompt | null> {
  return systemProjectId ? services.provider.prompts.resolve(systemProjectId, task, { label: INSTRUCTIONS_LABEL }) : Promise.resolve(null);
}

function defaultFrom(seeded: ResolvedPrompt | null, task: AiTask): AiInstructions {
  const text = seeded ? textOf(seeded) : '';
  if (seeded && text) return { text, source: 'default', version: seeded.version.version };
  return { text: defaultInstructions[task], source: 'default', version: 1 };
}

async function instructionsProjectOf(services: Services, organizationId: string) {
  const projects = await services.provider.projects.list(organizationId);
  return projects.find((project) => project.slug === INSTRUCTIONS_PROJECT_SLUG) ?? null;
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

export interface SeedReport {
  projectId: string;
  /** Tasks whose prompt was created, or given a new version because the shipped text changed. */
  created: AiTask[];
  updated: AiTask[];
}

/**
 * Writes the shipped defaults into the system project: a prompt per task, `production` on a version
 * holding the shipped text. Idempotent (nothing is written when every production version matches);
 * one import, all or nothing; engines seeding at once race through the import's `expectedLatest` check
 * and the loser plans again (finding nothing left to do).
 */
export async function seedDefaultInstructions(services: Services): Promise<SeedReport> {
  const { projectId } = await services.provider.instance.ensureSystemProject(SYSTEM_INSTRUCTIONS_PROJECT);
  for (let attempt = 1; ; attempt += 1) {
    const plan = await planSeed(services, projectId);
    if (plan.items.length === 0) return { projectId, created: plan.created, updated: plan.updated };
    try {
      await services.provider.prompts.importPrompts(SYSTEM, projectId, plan.items, `Seeded the AI instructions shipped with the app (${plan.items.length} prompts)`);
      return { projectId, created: plan.created, updated: plan.updated };
    } catch (error) {
      if (!(error instanceof ConflictError && error.code === 'import_stale') || attempt >= 3) throw error;
    }
  }
}

async function planSeed(services: Services, projectId: string) {
  const summaries = new Map((await services.provider.prompts.getMany(projectId, [...aiTasks])).map((summary) => [summary.key, summary]));
  const items: ImportItem[] = [];
  const created: AiTask[] = [];
  const updated: AiTask[] = [];
  for (const task of aiTasks) {
    const text = defaultInstructions[task];
    const summary = summaries.get(task);
    const version = versionFrom({ template: text, commitMessage: 'Shipped with the app' });
    if (!summary) {
      const { name, description } = aiTaskTitles[task];
      created.push(task);
      items.push({ key: task, create: { key: task, name, description, kind: 'text', tags: ['ai-instructions'] }, expectedLatest: null, versions: [version], labels: [{ label: INSTRUCTIONS_LABEL, version: 1 }] });
      continue;
    }
    const current = await services.provider.prompts.resolve(projectId, task, { label: INSTRUCTIONS_LABEL });
    if (current && textOf(current) === text.trim()) continue;
    const next = (summary.latestVersion ?? 0) + 1;
    updated.push(task);
    items.push({ key: task, expectedLatest: summary.latestVersion, versions: [version], labels: [{ label: INSTRUCTIONS_LABEL, version: next }] });
  }
  return { items, created, updated };
}

export interface InstructionsView {
  task: AiTask;
  name: string;
  description: string;
  /** What the task uses now for this organization. */
  active: AiInstructions;
  defaultInstructions: { version: number; text: string; updatedAt: Date | null };
  /** The organization's own prompt for the task, whether or not a version of it is in production. */
  override: { projectId: string; promptKey: string; productionVersion: number | null; latestVersion: number | null; createdAt: Date } | null;
  /** The default got a new version after the organization made its own (worth a look). */
  defaultChangedSinceOverride: boolean;
}

/** Every task's instructions as the organization sees them (the AI instructions page). */
export async function listInstructions(services: Services, organizationId: string): Promise<InstructionsView[]> {
  const system = await services.provider.instance.findSystemProject(SYSTEM_INSTRUCTIONS_PROJECT);
  const project = await instructionsProjectOf(services, organizationId);
  const overrides = project ? new Map((await services.provider.prompts.getMany(project.id, [...aiTasks])).map((summary) => [summary.key, summary])) : new Map<string, PromptSummary>();
  return Promise.all(
    aiTasks.map(async (task) => {
      const seeded = await seededDefault(services, system?.projectId ?? null, task);
      const fallback = defaultFrom(seeded, task);
      const own = overrides.get(task);
      const ownProduction = own && project ? await services.provider.prompts.resolve(project.id, task, { label: INSTRUCTIONS_LABEL }) : null;
      const active = ownInstructions(ownProduction) ?? fallback;
      const defaultUpdatedAt = seeded?.version.createdAt ?? null;
      return {
        task,
        ...aiTaskTitles[task],
        active,
        defaultInstructions: { version: fallback.version, text: fallback.text, updatedAt: defaultUpdatedAt },
        override:
          own && project
            ? { projectId: project.id, promptKey: task, productionVersion: own.labels[INSTRUCTIONS_LABEL] ?? null, latestVersion: own.latestVersion, createdAt: own.createdAt }
            : null,
        defaultChangedSinceOverride: own !== undefined && defaultUpdatedAt !== null && defaultUpdatedAt > own.createdAt,
      };
    }),
  );
}

/**
 * Starts the organization's own instructions for a task: its `forprompt` project (created when
 * missing) gets a prompt with the task's key whose version 1 is the current default, in production.
 * ConflictError `instructions_already_customized` when the organization has one.
 */
export async function customizeInstructions(services: Services, ctx: WriteContext, organizationId: string, task: AiTask) {
  const found = await instructionsProjectOf(services, organizationId);
  if (found && (await services.provider.prompts.get(found.id, task))) {
    throw new ConflictError(`This organization already has its own ${task} prompt; edit it in its '${INSTRUCTIONS_PROJECT_SLUG}' project`, 'instructions_already_customized');
  }
  const project =
    found ??
    (await services.provider.projects.create(ctx, organizationId, {
      name: 'AI instructions',
      slug: INSTRUCTIONS_PROJECT_SLUG,
      description: "This organization's own instructions for the AI features (a prompt per task; its production version is used).",
    }));
  const { name, description } = aiTaskTitles[task];
  const current = await defaultOf(services, task);
  await services.provider.prompts.create(
    ctx,
    project.id,
    { key: task, name, description, kind: 'text', tags: ['ai-instructions'] },
    { ...versionFrom({ template: current.text, commitMessage: `Started from the built-in default (version ${current.version})` }), labels: [INSTRUCTIONS_LABEL], mayMoveProtected: true },
  );
  return { projectId: project.id, promptKey: task };
}

/** Goes back to the default: deletes the organization's own prompt for the task (its versions with it). */
export async function resetInstructions(services: Services, ctx: WriteContext, organizationId: string, task: AiTask): Promise<void> {
  const project = await instructionsProjectOf(services, organizationId);
  if (!project || !(await services.provider.prompts.get(project.id, task))) throw new NotFoundError(`An organization prompt for ${task}`, 'instructions_not_customized');
  await services.provider.prompts.delete(ctx, project.id, task);
}
