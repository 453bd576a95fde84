import { and, asc, desc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { promptLabelEvents, promptLabels, prompts, promptVersions } from '../schema/index.js';
import { command, type EventRecord } from '../write.js';
import type { Database, Transaction } from '../database.js';
import { ConflictError, NotFoundError } from '../../../errors.js';
import type { WriteContext } from '../../provider.js';
import type { PromptStore, ResolvedPrompt, VersionInput } from '../../prompts.js';
import { findPrompt, summarize, toVersion, versionByNumber, type PromptRow } from './prompt-rows.js';
import { lockPrompt, moveUnderPolicy, organizationOf, userOf } from './labels.js';

/** Keys per query of the batch reads (each key is one bind parameter). */
const KEYS_PER_QUERY = 1000;
const chunksOf = (keys: string[]) => Array.from({ length: Math.ceil(keys.length / KEYS_PER_QUERY) }, (_, index) => keys.slice(index * KEYS_PER_QUERY, (index + 1) * KEYS_PER_QUERY));

async function insertVersion(tx: Transaction, ctx: WriteContext, prompt: PromptRow, input: VersionInput): Promise<number> {
  const [{ next } = { next: 1 }] = await tx
    .select({ next: sql<number>`coalesce(max(${promptVersions.version}), 0)::int + 1` })
    .from(promptVersions)
    .where(eq(promptVersions.promptId, prompt.id));
  await tx.insert(promptVersions).values({
    promptId: prompt.id,
    version: next,
    template: input.template ?? null,
    messages: input.messages ?? null,
    config: input.config ?? {},
    variables: input.variables,
    commitMessage: input.commitMessage ?? null,
    createdBy: userOf(ctx),
  });
  await tx.update(prompts).set({ updatedAt: new Date() }).where(eq(prompts.id, prompt.id));
  return next;
}

export function promptStore(db: Database): PromptStore {
  const resolveIn = async (reader: Database | Transaction, prompt: PromptRow, selector: { label: string } | { version: number }): Promise<ResolvedPrompt | null> => {
    const [summary] = await summarize(reader, [prompt]);
    const number = 'version' in selector ? selector.version : summary!.labels[selector.label];
    if (number === undefined) return null;
    const version = await versionByNumber(reader, prompt.id, number);
    if (!version) return null;
    const labels = Object.entries(summary!.labels).filter(([, target]) => target === number).map(([label]) => label);
    return { prompt: summary!, version: toVersion(version), labels };
  };

  return {
    async create(ctx, projectId, input, firstVersion) {
      return command(db, ctx, async (tx) => {
        const organizationId = await organizationOf(tx, projectId);
        const [row] = await tx
          .insert(prompts)
          .values({ ...input, projectId, kind: input.kind ?? 'text', tags: input.tags ?? [], createdBy: userOf(ctx) })
          .onConflictDoNothing()
          .returning();
        if (!row) throw new ConflictError(`A prompt with the key "${input.key}" already exists in this project`, 'prompt_key_taken');
        const events: EventRecord[] = [{ organizationId, projectId, type: 'prompt.created', payload: { promptId: row.id, key: row.key } }];
        let promotionRequests: Awaited<ReturnType<typeof moveUnderPolicy>>['requested'] = [];
        if (firstVersion) {
          const version = await insertVersion(tx, ctx, row, firstVersion);
          events.push({ organizationId, projectId, type: 'prompt.version.created', payload: { promptId: row.id, key: row.key, version } });
          const labels = await moveUnderPolicy(tx, ctx, organizationId, row, (firstVersion.labels ?? []).map((label) => ({ label, version })), firstVersion);
          events.push(...labels.events);
          promotionRequests = labels.requested;
        }
        const [summary] = await summarize(tx, [row]);
        return {
          result: { ...summary!, promotionRequests },
          audit: { organizationId, projectId, action: 'prompt.created', targetType: 'prompt', targetId: row.id, summary: `prompt "${row.key}" created${firstVersion ? ' with version 1' : ''}` },
          events,
        };
      });
    },

    async get(projectId, key) {
      const row = await findPrompt(db, projectId, key);
      return row ? (await summarize(db, [row]))[0]! : null;
    },

    async list(projectId, query) {
      const conditions: SQL[] = [eq(prompts.projectId, projectId)];
      if (query.after) conditions.push(gt(prompts.key, query.after));
      if (query.tag) conditions.push(sql`${query.tag} = any(${prompts.tags})`);
      if (query.label && query.label !== 'latest') {
        conditions.push(sql`exists (select 1 from ${promptLabels} where ${promptLabels.promptId} = ${prompts.id} and ${promptLabels.label} = ${query.label})`);
      }
      const rows = await db.select().from(prompts).where(and(...conditions)).orderBy(asc(prompts.key)).limit(query.limit);
      return summarize(db, rows);
    },

    async update(ctx, projectId, key, patch) {
      return command(db, ctx, async (tx) => {
        const organizationId = await organizationOf(tx, projectId);
        const prompt = await lockPrompt(tx, projectId, key);
        const changes = Object.entries(patch).filter(([, value]) => value !== undefined);
        const [row] = await tx.update(prompts).set({ ...Object.fromEntries(changes), updatedAt: new Date() }).where(eq(prompts.id, prompt.id)).returning();
        return {
          result: (await summarize(tx, [row!]))[0]!,
          audit: { organizationId, projectId, action: 'prompt.updated', targetType: 'prompt', targetId: prompt.id, summary: `prompt "${key}": ${changes.map(([field]) => field).join(', ') || 'no changes'}` },
          events: [{ organizationId, projectId, type: 'prompt.updated', payload: { promptId: prompt.id, key } }],
        };
      });
    },

    async delete(ctx, projectId, key) {
      await command(db, ctx, async (tx) => {
        const organizationId = await organizationOf(tx, projectId);
        const prompt = await lockPrompt(tx, projectId, key);
        await tx.delete(prompts).where(eq(prompts.id, prompt.id));
        return {
          result: undefined,
          audit: { organizationId, projectId, action: 'prompt.deleted', targetType: 'prompt', targetId: prompt.id, summary: `prompt "${key}" deleted` },
          events: [{ organizationId, projectId, type: 'prompt.deleted', payload: { promptId: prompt.id, key } }],
        };
      });
    },

    async createVersion(ctx, projectId, key, input) {
      return command(db, ctx, async (tx) => {
        const organizationId = await organizationOf(tx, projectId);
        // The row lock serialises saves of one prompt: concurrent saves get distinct, gap-free numbers.
        const prompt = await lockPrompt(tx, projectId, key);
        const version = await insertVersion(tx, ctx, prompt, input);
        const { moved, requested, events } = await moveUnderPolicy(tx, ctx, organizationId, prompt, (input.labels ?? []).map((label) => ({ label, version })), input);
        const requestNote = requested.length ? `; requested: ${requested.map((request) => request.label).join(', ')}` : '';
        return {
          result: { ...(await resolveIn(tx, prompt, { version }))!, promotionRequests: requested },
          audit: {
            organizationId,
            projectId,
            action: 'prompt.version.created',
            targetType: 'prompt',
            targetId: prompt.id,
            summary: `prompt "${key}" version ${version}${moved.length ? ` (labels: ${moved.map((move) => move.label).join(', ')})` : ''}${requestNote}`,
          },
          events: [{ organizationId, projectId, type: 'prompt.version.created', payload: { promptId: prompt.id, key, version } }, ...events],
        };
      });
    },

    async resolve(projectId, key, selector) {
      const prompt = await findPrompt(db, projectId, key);
      return prompt ? resolveIn(db, prompt, selector) : null;
    },

    async listVersions(projectId, key) {
      const prompt = await findPrompt(db, projectId, key);
      if (!prompt) throw new NotFoundError(`Prompt "${key}"`, 'prompt_not_found');
      const rows = await db.select().from(promptVersions).where(eq(promptVersions.promptId, prompt.id)).orderBy(desc(promptVersions.version));
      return rows.map(toVersion);
    },

    async getMany(projectId, keys) {
      const rows: PromptRow[] = [];
      for (const chunk of chunksOf([...new Set(keys)])) {
        rows.push(...(await db.select().from(prompts).where(and(eq(prompts.projectId, projectId), inArray(prompts.key, chunk)))));
      }
      rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return summarize(db, rows);
    },

    async listVersionsOf(projectId, keys) {
      const versions = new Map<string, ReturnType<typeof toVersion>[]>();
      for (const chunk of chunksOf([...new Set(keys)])) {
        const rows = await db
          .select({ key: prompts.key, version: promptVersions })
          .from(promptVersions)
          .innerJoin(prompts, eq(prompts.id, promptVersions.promptId))
          .where(and(eq(prompts.projectId, projectId), inArray(prompts.key, chunk)))
          .orderBy(asc(prompts.key), desc(promptVersions.version));
        for (const row of rows) {
          let list = versions.get(row.key);
          if (!list) versions.set(row.key, (list = []));
          list.push(toVersion(row.version));
        }
      }
      return versions;
    },

    async moveLabels(ctx, projectId, key, moves, policy) {
      return command(db, ctx, async (tx) => {
        const organizationId = await organizationOf(tx, projectId);
        const prompt = await lockPrompt(tx, projectId, key);
        const { moved, requested, events } = await moveUnderPolicy(tx, ctx, organizationId, prompt, moves, policy);
        const changes = [
          ...moved.map((move) => `${move.label} ${move.fromVersion ?? '∅'} → ${move.toVersion}`),
          ...requested.map((request) => `${request.label} → ${request.toVersion} requested`),
        ];
        return {
          result: { prompt: (await summarize(tx, [prompt]))[0]!, promotionRequests: requested },
          audit: {
            organizationId,
            projectId,
            action: 'prompt.label.moved',
            targetType: 'prompt',
            targetId: prompt.id,
            summary: `prompt "${key}": ${changes.join(', ') || 'no changes'}`,
          },
          events,
        };
      });
    },

    async labelHistory(projectId, key) {
      const prompt = await findPrompt(db, projectId, key);
      if (!prompt) throw new NotFoundError(`Prompt "${key}"`, 'prompt_not_found');
      return db
        .select({
          label: promptLabelEvents.label,
          fromVersion: promptLabelEvents.fromVersion,
          toVersion: promptLabelEvents.toVersion,
          actorUserId: promptLabelEvents.actorUserId,
          actorApiKeyId: promptLabelEvents.actorApiKeyId,
          createdAt: promptLabelEvents.createdAt,
        })
        .from(promptLabelEvents)
        .where(eq(promptLabelEvents.promptId, prompt.id))
        .orderBy(desc(promptLabelEvents.createdAt));
    },

    async importPrompts(ctx, projectId, items, summary) {
      return command(db, ctx, async (tx) => {
        const organizationId = await organizationOf(tx, projectId);
        const events: EventRecord[] = [];
        const rows: PromptRow[] = [];
        for (const item of items) {
          let prompt: PromptRow | undefined;
          if (item.create) {
            const input = item.create;
            [prompt] = await tx
              .insert(prompts)
              .values({ ...input, projectId, kind: input.kind ?? 'text', tags: input.tags ?? [], createdBy: userOf(ctx) })
              .onConflictDoNothing()
              .returning();
            if (!prompt) throw new ConflictError(`A prompt with the key "${item.key}" was created meanwhile; nothing was imported`, 'import_stale');
            events.push({ organizationId, projectId, type: 'prompt.created', payload: { promptId: prompt.id, key: prompt.key } });
          } else {
            prompt = await lockPrompt(tx, projectId, item.key);
            const [{ latest } = { latest: null }] = await tx
              .select({ latest: sql<number | null>`max(${promptVersions.version})::int` })
              .from(promptVersions)
              .where(eq(promptVersions.promptId, prompt.id));
            if (latest !== item.expectedLatest) {
              throw new ConflictError(`Prompt "${item.key}" changed while importing (now at version ${latest ?? 'none'}); nothing was imported`, 'import_stale');
            }
          }
          for (const version of item.versions) {
            const number = await insertVersion(tx, ctx, prompt, version);
            events.push({ organizationId, projectId, type: 'prompt.version.created', payload: { promptId: prompt.id, key: prompt.key, version: number } });
          }
          // An import is an admin's deliberate act: protected labels move with it.
          const labels = await moveUnderPolicy(tx, ctx, organizationId, prompt, item.labels, { mayMoveProtected: true });
          events.push(...labels.events);
          rows.push(prompt);
        }
        return {
          result: await summarize(tx, rows),
          audit: { organizationId, projectId, action: 'prompts.imported', targetType: 'project', targetId: projectId, summary },
          events,
        };
      });
    },

    async snapshot(projectId) {
      const rows = await db.select().from(prompts).where(eq(prompts.projectId, projectId)).orderBy(asc(prompts.key));
      const summaries = await summarize(db, rows);
      const resolved: ResolvedPrompt[] = [];
      for (const summary of summaries) {
        const versions = [...new Set(Object.values(summary.labels))];
        if (versions.length === 0) continue;
        const versionRows = await db.select().from(promptVersions).where(and(eq(promptVersions.promptId, summary.id), inArray(promptVersions.version, versions)));
        for (const version of versionRows) {
          const labels = Object.entries(summary.labels).filter(([, target]) => target === version.version).map(([label]) => label);
          resolved.push({ prompt: summary, version: toVersion(version), labels });
        }
      }
      return resolved;
    },
  };
}
