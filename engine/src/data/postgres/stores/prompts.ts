import { and, asc, desc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { promptLabelEvents, promptLabels, prompts, promptVersions } from '../schema/index.js';
import { command, type EventRecord } from '../write.js';
import type { Database, Transaction } from '../database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../errors.js';
import type { WriteContext } from '../../provider.js';
import type { PromptStore, ResolvedPrompt, VersionInput } from '../../prompts.js';
import { findPrompt, summarize, toVersion, versionByNumber, type PromptRow } from './prompt-rows.js';

const actorColumns = (ctx: WriteContext) => ({
  actorUserId: ctx.actor.type === 'user' ? ctx.actor.userId : null,
  actorApiKeyId: ctx.actor.type === 'api_key' ? ctx.actor.apiKeyId : null,
});
const userOf = (ctx: WriteContext) => (ctx.actor.type === 'user' ? ctx.actor.userId : null);

async function lockPrompt(tx: Transaction, projectId: string, key: string): Promise<PromptRow> {
  const row = await findPrompt(tx, projectId, key, true);
  if (!row) throw new NotFoundError(`Prompt "${key}"`, 'prompt_not_found');
  return row;
}

interface LabelMove {
  label: string;
  fromVersion: number | null;
  toVersion: number;
}

/** Points labels at versions, recording each move in the deploy history; returns what moved. */
async function applyLabels(tx: Transaction, ctx: WriteContext, prompt: PromptRow, moves: Array<{ label: string; version: number }>): Promise<LabelMove[]> {
  const moved: LabelMove[] = [];
  for (const { label, version } of moves) {
    if (label === 'latest') throw new ValidationError('"latest" always points at the newest version and cannot be moved', [{ path: 'body.labels', message: 'latest is automatic' }], 'label_reserved');
    const target = await versionByNumber(tx, prompt.id, version);
    if (!target) throw new ConflictError(`Prompt "${prompt.key}" has no version ${version}`, 'version_not_found');
    const [current] = await tx
      .select({ version: promptVersions.version })
      .from(promptLabels)
      .innerJoin(promptVersions, eq(promptVersions.id, promptLabels.versionId))
      .where(and(eq(promptLabels.promptId, prompt.id), eq(promptLabels.label, label)));
    if (current?.version === version) continue;
    await tx
      .insert(promptLabels)
      .values({ promptId: prompt.id, label, versionId: target.id, updatedBy: userOf(ctx) })
      .onConflictDoUpdate({ target: [promptLabels.promptId, promptLabels.label], set: { versionId: target.id, updatedBy: userOf(ctx), updatedAt: new Date() } });
    await tx.insert(promptLabelEvents).values({ promptId: prompt.id, label, fromVersion: current?.version ?? null, toVersion: version, ...actorColumns(ctx) });
    moved.push({ label, fromVersion: current?.version ?? null, toVersion: version });
  }
  return moved;
}

/** The events of label moves; moving `production` also activates the version (the original's event). */
function labelEvents(organizationId: string | null, prompt: PromptRow, moved: LabelMove[]): EventRecord[] {
  return moved.flatMap((move) => {
    const base = { organizationId, projectId: prompt.projectId };
    const payload = { promptId: prompt.id, key: prompt.key, label: move.label, fromVersion: move.fromVersion, version: move.toVersion };
    const events: EventRecord[] = [{ ...base, type: 'prompt.label.moved', payload }];
    if (move.label === 'production') events.push({ ...base, type: 'prompt.version.activated', payload });
    return events;
  });
}

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

async function organizationOf(tx: Transaction | Database, projectId: string): Promise<string | null> {
  const result = await tx.execute<{ organization_id: string }>(sql`select organization_id from projects where id = ${projectId}`);
  return result.rows[0]?.organization_id ?? null;
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
      const organizationId = await organizationOf(db, projectId);
      return command(db, ctx, async (tx) => {
        const [row] = await tx
          .insert(prompts)
          .values({ ...input, projectId, kind: input.kind ?? 'text', tags: input.tags ?? [], createdBy: userOf(ctx) })
          .onConflictDoNothing()
          .returning();
        if (!row) throw new ConflictError(`A prompt with the key "${input.key}" already exists in this project`, 'prompt_key_taken');
        const events: EventRecord[] = [{ organizationId, projectId, type: 'prompt.created', payload: { promptId: row.id, key: row.key } }];
        if (firstVersion) {
          const version = await insertVersion(tx, ctx, row, firstVersion);
          events.push({ organizationId, projectId, type: 'prompt.version.created', payload: { promptId: row.id, key: row.key, version } });
          const moved = await applyLabels(tx, ctx, row, (firstVersion.labels ?? []).map((label) => ({ label, version })));
          events.push(...labelEvents(organizationId, row, moved));
        }
        const [summary] = await summarize(tx, [row]);
        return {
          result: summary!,
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
      const organizationId = await organizationOf(db, projectId);
      return command(db, ctx, async (tx) => {
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
      const organizationId = await organizationOf(db, projectId);
      await command(db, ctx, async (tx) => {
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
      const organizationId = await organizationOf(db, projectId);
      return command(db, ctx, async (tx) => {
        // The row lock serialises saves of one prompt: concurrent saves get distinct, gap-free numbers.
        const prompt = await lockPrompt(tx, projectId, key);
        const version = await insertVersion(tx, ctx, prompt, input);
        const moved = await applyLabels(tx, ctx, prompt, (input.labels ?? []).map((label) => ({ label, version })));
        return {
          result: (await resolveIn(tx, prompt, { version }))!,
          audit: {
            organizationId,
            projectId,
            action: 'prompt.version.created',
            targetType: 'prompt',
            targetId: prompt.id,
            summary: `prompt "${key}" version ${version}${moved.length ? ` (labels: ${moved.map((move) => move.label).join(', ')})` : ''}`,
          },
          events: [{ organizationId, projectId, type: 'prompt.version.created', payload: { promptId: prompt.id, key, version } }, ...labelEvents(organizationId, prompt, moved)],
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

    async moveLabels(ctx, projectId, key, moves) {
      const organizationId = await organizationOf(db, projectId);
      return command(db, ctx, async (tx) => {
        const prompt = await lockPrompt(tx, projectId, key);
        const moved = await applyLabels(tx, ctx, prompt, moves);
        return {
          result: (await summarize(tx, [prompt]))[0]!,
          audit: {
            organizationId,
            projectId,
            action: 'prompt.label.moved',
            targetType: 'prompt',
            targetId: prompt.id,
            summary: `prompt "${key}": ${moved.map((move) => `${move.label} ${move.fromVersion ?? '∅'} → ${move.toVersion}`).join(', ') || 'no changes'}`,
          },
          events: labelEvents(organizationId, prompt, moved),
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
