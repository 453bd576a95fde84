import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { metadataFields, type ImportItem, type PromptSummary, type PromptVersionView } from '../data/prompts.js';
import type { Services } from '../http/services.js';
import { displayName, text } from '../http/fields.js';
import { chatMessage, metadataShape, movableLabel, promptConfig, promptKey } from './schema.js';
import { versionFrom } from './service.js';

/**
 * A prompts bundle: every version and label of some prompts of a project, as JSON. Teams export from
 * one install or project and import into another (staging → production); an import never overwrites:
 * it appends versions a target lacks and reports anything that disagrees.
 */
export const BUNDLE_FORMAT = 'forprompt.prompts';

const bundleVersion = z.strictObject({
  version: z.number().int().min(1),
  template: text(200_000).nullable(),
  messages: z.array(chatMessage).min(1).max(200).nullable(),
  config: promptConfig,
  commitMessage: text(500).nullable(),
  createdAt: z.string().max(40).optional(),
});

const bundlePrompt = z
  .strictObject({
    key: promptKey,
    name: displayName,
    description: text(2000).nullable(),
    type: z.enum(['text', 'chat']),
    tags: z.array(z.string().trim().min(1).max(50)).max(20),
    ...metadataShape,
    versions: z.array(bundleVersion).max(10_000),
    labels: z.record(movableLabel, z.number().int().min(1)),
  })
  .superRefine((prompt, context) => {
    prompt.versions.forEach((version, index) => {
      if (index > 0 && version.version <= prompt.versions[index - 1]!.version) {
        context.addIssue({ code: 'custom', path: ['versions', index, 'version'], message: 'versions must be in increasing order' });
      }
      const body = prompt.type === 'text' ? version.template : version.messages;
      const other = prompt.type === 'text' ? version.messages : version.template;
      if (body === null || other !== null) {
        context.addIssue({ code: 'custom', path: ['versions', index, prompt.type === 'text' ? 'template' : 'messages'], message: `a ${prompt.type} prompt's version needs ${prompt.type === 'text' ? 'a template (and no messages)' : 'messages (and no template)'}` });
      }
    });
    for (const [label, version] of Object.entries(prompt.labels)) {
      if (!prompt.versions.some((candidate) => candidate.version === version)) {
        context.addIssue({ code: 'custom', path: ['labels', label], message: `points at version ${version}, which the bundle does not hold` });
      }
    }
  });

export const bundleSchema = z
  .strictObject({
    format: z.literal(BUNDLE_FORMAT),
    formatVersion: z.literal(1),
    exportedAt: z.string().max(40),
    source: z.strictObject({ project: z.string().max(200), url: z.string().max(2000).nullable() }).optional(),
    prompts: z.array(bundlePrompt).max(5_000),
  })
  .superRefine((bundle, context) => {
    const seen = new Set<string>();
    bundle.prompts.forEach((prompt, index) => {
      if (seen.has(prompt.key)) context.addIssue({ code: 'custom', path: ['prompts', index, 'key'], message: `"${prompt.key}" appears twice` });
      seen.add(prompt.key);
    });
  });
export type Bundle = z.infer<typeof bundleSchema>;
type BundlePrompt = Bundle['prompts'][number];

export const importOptions = {
  /** Report what would happen without writing anything. */
  dryRun: z.boolean().default(false),
  /**
   * When a prompt's versions in the target differ from the bundle's: `skip` reports a conflict and
   * leaves that prompt alone; `append` adds the bundle's differing versions after the target's.
   */
  onConflict: z.enum(['skip', 'append']).default('skip'),
  /** Move labels to where the bundle has them (default); false imports versions only. */
  labels: z.boolean().default(true),
};

export const importResult = z.object({
  key: z.string(),
  status: z.enum(['created', 'updated', 'unchanged', 'merged', 'conflict']),
  versionsAdded: z.number().int(),
  labelsMoved: z.array(z.object({ label: z.string(), from: z.number().int().nullable(), to: z.number().int() })),
  /** Why nothing was imported for this prompt. */
  conflict: z.string().nullable(),
  /** Metadata fields whose values differ from the bundle's: reported, never overwritten. */
  metadataDiffers: z.array(z.string()),
});
export type ImportResult = z.infer<typeof importResult>;

export const importReport = z.object({
  dryRun: z.boolean(),
  results: z.array(importResult),
  summary: z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), merged: z.number().int(), conflicts: z.number().int() }),
});

const sameContent = (a: { template: string | null; messages: unknown; config: Record<string, unknown> }, b: typeof a) =>
  a.template === b.template && isDeepStrictEqual(a.messages ?? null, b.messages ?? null) && isDeepStrictEqual(a.config, b.config);

function toBundlePrompt(prompt: PromptSummary, versions: PromptVersionView[]): BundlePrompt {
  return {
    key: prompt.key,
    name: prompt.name,
    description: prompt.description,
    type: prompt.kind,
    tags: prompt.tags,
    ...Object.fromEntries(metadataFields.map((field) => [field, prompt[field]])),
    versions: [...versions]
      .sort((a, b) => a.version - b.version)
      .map((version) => ({
        version: version.version,
        template: version.template,
        messages: version.messages,
        config: version.config,
        commitMessage: version.commitMessage,
        createdAt: version.createdAt.toISOString(),
      })),
    labels: Object.fromEntries(Object.entries(prompt.labels).filter(([label]) => label !== 'latest')),
  } as BundlePrompt;
}

/** The bundle of a project's prompts (all of them, or those named). */
export async function exportBundle(services: Services, project: { id: string; name: string }, keys?: string[], url: string | null = null): Promise<Bundle> {
  const { prompts } = services.provider;
  const summaries: PromptSummary[] = [];
  if (keys) {
    // In the order asked for.
    const found = new Map((await prompts.getMany(project.id, keys)).map((prompt) => [prompt.key, prompt]));
    for (const key of new Set(keys)) if (found.has(key)) summaries.push(found.get(key)!);
  } else {
    for (let after: string | undefined; ; ) {
      const page = await prompts.list(project.id, { limit: 500, after });
      summaries.push(...page);
      if (page.length < 500) break;
      after = page.at(-1)!.key;
    }
  }
  const versions = await prompts.listVersionsOf(project.id, summaries.map((prompt) => prompt.key));
  const bundled = summaries.map((prompt) => toBundlePrompt(prompt, versions.get(prompt.key) ?? []));
  return { format: BUNDLE_FORMAT, formatVersion: 1, exportedAt: new Date().toISOString(), source: { project: project.name, url }, prompts: bundled };
}

/**
 * What importing `bundle` into a project would do, prompt by prompt, and the writes that do it.
 * Versions are compared by position and content (template or messages, and config): the target's
 * versions that the bundle starts with are shared; the bundle's versions after them are appended.
 */
export async function planImport(
  services: Services,
  projectId: string,
  bundle: Bundle,
  options: { onConflict: 'skip' | 'append'; labels: boolean },
): Promise<{ items: ImportItem[]; results: ImportResult[] }> {
  const items: ImportItem[] = [];
  const results: ImportResult[] = [];
  const keys = bundle.prompts.map((incoming) => incoming.key);
  const existingByKey = new Map((await services.provider.prompts.getMany(projectId, keys)).map((prompt) => [prompt.key, prompt]));
  const versionsByKey = await services.provider.prompts.listVersionsOf(projectId, [...existingByKey.keys()]);
  for (const [index, incoming] of bundle.prompts.entries()) {
    const at = `body.bundle.prompts.${index}`;
    const existing = existingByKey.get(incoming.key);
    const result: ImportResult = { key: incoming.key, status: 'unchanged', versionsAdded: 0, labelsMoved: [], conflict: null, metadataDiffers: [] };
    results.push(result);
    const metadata = Object.fromEntries(metadataFields.map((field) => [field, incoming[field] ?? null]));
    if (!existing) {
      const numbers = new Map(incoming.versions.map((version, position) => [version.version, position + 1]));
      const labels = options.labels ? Object.entries(incoming.labels).map(([label, version]) => ({ label, version: numbers.get(version)! })) : [];
      items.push({
        key: incoming.key,
        create: { key: incoming.key, name: incoming.name, description: incoming.description, kind: incoming.type, tags: incoming.tags, ...metadata },
        expectedLatest: null,
        versions: incoming.versions.map((version, position) => versionFrom(version, `${at}.versions.${position}`)),
        labels,
      });
      Object.assign(result, { status: 'created', versionsAdded: incoming.versions.length, labelsMoved: labels.map(({ label, version }) => ({ label, from: null, to: version })) });
      continue;
    }
    result.metadataDiffers = [
      ...(['name', 'description'] as const).filter((field) => (existing[field] ?? null) !== (incoming[field] ?? null)),
      ...(isDeepStrictEqual([...existing.tags].sort(), [...incoming.tags].sort()) ? [] : ['tags']),
      ...metadataFields.filter((field) => (existing[field] ?? null) !== (metadata[field] ?? null)),
    ];
    if (existing.kind !== incoming.type) {
      Object.assign(result, { status: 'conflict', conflict: `is a ${existing.kind} prompt here and a ${incoming.type} prompt in the bundle` });
      continue;
    }
    const current = [...(versionsByKey.get(incoming.key) ?? [])].sort((a, b) => a.version - b.version);
    let shared = 0;
    while (shared < current.length && shared < incoming.versions.length && sameContent(current[shared]!, incoming.versions[shared]!)) shared++;
    const diverged = shared < current.length && shared < incoming.versions.length;
    const behind = shared === incoming.versions.length && shared < current.length;
    if (diverged && options.onConflict === 'skip') {
      Object.assign(result, { status: 'conflict', conflict: `version ${current[shared]!.version} here differs from the bundle's version ${incoming.versions[shared]!.version}` });
      continue;
    }
    const appended = incoming.versions.slice(shared);
    const latest = current.at(-1)?.version ?? 0;
    // Bundle version number → version number here.
    const numbers = new Map<number, number>([
      ...incoming.versions.slice(0, shared).map((version, position) => [version.version, current[position]!.version] as const),
      ...appended.map((version, position) => [version.version, latest + position + 1] as const),
    ]);
    const labelMoves =
      options.labels && !behind
        ? Object.entries(incoming.labels)
            .map(([label, version]) => ({ label, version: numbers.get(version)!, from: existing.labels[label] ?? null }))
            .filter((move) => move.from !== move.version)
        : [];
    items.push({
      key: incoming.key,
      expectedLatest: existing.latestVersion,
      versions: appended.map((version) => versionFrom(version, `${at}.versions.${incoming.versions.indexOf(version)}`)),
      labels: labelMoves.map(({ label, version }) => ({ label, version })),
    });
    const status = diverged ? 'merged' : appended.length || labelMoves.length ? 'updated' : 'unchanged';
    Object.assign(result, {
      status,
      versionsAdded: appended.length,
      labelsMoved: labelMoves.map(({ label, version, from }) => ({ label, from, to: version })),
      conflict: behind && Object.keys(incoming.labels).length && options.labels ? `has ${current.length - shared} newer version(s) than the bundle: labels left where they are` : null,
    });
  }
  return { items: items.filter((item) => item.create || item.versions.length || item.labels.length), results };
}
