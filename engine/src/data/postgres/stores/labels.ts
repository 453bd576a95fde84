import { aliasedTable, and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { projectApiKeys, projectProtectedLabels, promotionRequests, promptLabelEvents, promptLabels, prompts, promptVersions, users } from '../schema/index.js';
import type { EventRecord } from '../write.js';
import type { Database, Transaction } from '../database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../errors.js';
import type { WriteContext } from '../../provider.js';
import type { LabelPolicy, PromotionRequest, PromotionStatus } from '../../prompts.js';
import { findPrompt, versionByNumber, type PromptRow } from './prompt-rows.js';

type Reader = Database | Transaction;

export const actorColumns = (ctx: WriteContext) => ({
  actorUserId: ctx.actor.type === 'user' ? ctx.actor.userId : null,
  actorApiKeyId: ctx.actor.type === 'api_key' ? ctx.actor.apiKeyId : null,
});
export const userOf = (ctx: WriteContext) => (ctx.actor.type === 'user' ? ctx.actor.userId : null);

export async function lockPrompt(tx: Transaction, projectId: string, key: string): Promise<PromptRow> {
  const row = await findPrompt(tx, projectId, key, true);
  if (!row) throw new NotFoundError(`Prompt "${key}"`, 'prompt_not_found');
  return row;
}

export async function organizationOf(tx: Reader, projectId: string): Promise<string | null> {
  const result = await tx.execute<{ organization_id: string }>(sql`select organization_id from projects where id = ${projectId}`);
  return result.rows[0]?.organization_id ?? null;
}

export interface LabelMove {
  label: string;
  fromVersion: number | null;
  toVersion: number;
}

async function currentVersionOf(tx: Reader, promptId: string, label: string): Promise<number | null> {
  const [current] = await tx
    .select({ version: promptVersions.version })
    .from(promptLabels)
    .innerJoin(promptVersions, eq(promptVersions.id, promptLabels.versionId))
    .where(and(eq(promptLabels.promptId, promptId), eq(promptLabels.label, label)));
  return current?.version ?? null;
}

/** Points labels at versions, recording each move in the deploy history; returns what moved. */
export async function applyLabels(tx: Transaction, ctx: WriteContext, prompt: PromptRow, moves: Array<{ label: string; version: number }>): Promise<LabelMove[]> {
  const moved: LabelMove[] = [];
  for (const { label, version } of moves) {
    if (label === 'latest') throw new ValidationError('"latest" always points at the newest version and cannot be moved', [{ path: 'body.labels', message: 'latest is automatic' }], 'label_reserved');
    const target = await versionByNumber(tx, prompt.id, version);
    if (!target) throw new ConflictError(`Prompt "${prompt.key}" has no version ${version}`, 'version_not_found');
    const current = await currentVersionOf(tx, prompt.id, label);
    if (current === version) continue;
    await tx
      .insert(promptLabels)
      .values({ promptId: prompt.id, label, versionId: target.id, updatedBy: userOf(ctx) })
      .onConflictDoUpdate({ target: [promptLabels.promptId, promptLabels.label], set: { versionId: target.id, updatedBy: userOf(ctx), updatedAt: new Date() } });
    await tx.insert(promptLabelEvents).values({ promptId: prompt.id, label, fromVersion: current, toVersion: version, ...actorColumns(ctx) });
    moved.push({ label, fromVersion: current, toVersion: version });
  }
  return moved;
}

/** The events of label moves; moving `production` also activates the version (the original's event). */
export function labelEvents(organizationId: string | null, prompt: PromptRow, moved: LabelMove[]): EventRecord[] {
  return moved.flatMap((move) => {
    const base = { organizationId, projectId: prompt.projectId };
    const payload = { promptId: prompt.id, key: prompt.key, label: move.label, fromVersion: move.fromVersion, version: move.toVersion };
    const events: EventRecord[] = [{ ...base, type: 'prompt.label.moved', payload }];
    if (move.label === 'production') events.push({ ...base, type: 'prompt.version.activated', payload });
    return events;
  });
}

export async function protectedLabelsOf(tx: Reader, projectId: string): Promise<Set<string>> {
  const rows = await tx.select({ label: projectProtectedLabels.label }).from(projectProtectedLabels).where(eq(projectProtectedLabels.projectId, projectId));
  return new Set(rows.map((row) => row.label));
}

export interface LabelOutcome {
  moved: LabelMove[];
  requested: PromotionRequest[];
  events: EventRecord[];
}

/**
 * Applies label moves under the project's protection: a protected label the policy may not move gets
 * a pending promotion request (superseding an older pending one for the same label) instead of moving.
 * A request for what the label already points at is no request.
 */
export async function moveUnderPolicy(
  tx: Transaction,
  ctx: WriteContext,
  organizationId: string | null,
  prompt: PromptRow,
  moves: Array<{ label: string; version: number }>,
  policy: LabelPolicy = {},
): Promise<LabelOutcome> {
  const guarded = policy.mayMoveProtected || moves.length === 0 ? new Set<string>() : await protectedLabelsOf(tx, prompt.projectId);
  const direct = moves.filter((move) => !guarded.has(move.label));
  const moved = await applyLabels(tx, ctx, prompt, direct);
  const events = labelEvents(organizationId, prompt, moved);
  const requestedIds: string[] = [];
  for (const { label, version } of moves.filter((move) => guarded.has(move.label))) {
    if (!(await versionByNumber(tx, prompt.id, version))) throw new ConflictError(`Prompt "${prompt.key}" has no version ${version}`, 'version_not_found');
    const current = await currentVersionOf(tx, prompt.id, label);
    if (current === version) continue;
    await tx
      .update(promotionRequests)
      .set({ status: 'superseded', decidedAt: new Date() })
      .where(and(eq(promotionRequests.promptId, prompt.id), eq(promotionRequests.label, label), eq(promotionRequests.status, 'pending')));
    const [row] = await tx
      .insert(promotionRequests)
      .values({
        projectId: prompt.projectId,
        promptId: prompt.id,
        label,
        fromVersion: current,
        toVersion: version,
        comment: policy.comment ?? null,
        requestedBy: userOf(ctx),
        requestedByApiKeyId: ctx.actor.type === 'api_key' ? ctx.actor.apiKeyId : null,
      })
      .returning({ id: promotionRequests.id });
    requestedIds.push(row!.id);
    events.push({
      organizationId,
      projectId: prompt.projectId,
      type: 'prompt.promotion.requested',
      payload: { promotionRequestId: row!.id, promptId: prompt.id, key: prompt.key, label, fromVersion: current, version },
    });
  }
  const requested = requestedIds.length > 0 ? await readRequests(tx, inArray(promotionRequests.id, requestedIds), 100) : [];
  return { moved, requested, events };
}

const requester = aliasedTable(users, 'requester');
const decider = aliasedTable(users, 'decider');
const labelNow = aliasedTable(promptLabels, 'label_now');
const versionNow = aliasedTable(promptVersions, 'version_now');

const nameOf = (user: { firstName: string | null; lastName: string | null; email: string | null }) =>
  [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email;

/** Promotion requests matching `where`, newest first, with names and the label's current version. */
export async function readRequests(db: Reader, where: SQL, limit: number): Promise<PromotionRequest[]> {
  const rows = await db
    .select({
      request: promotionRequests,
      promptKey: prompts.key,
      requester: { email: requester.email, firstName: requester.firstName, lastName: requester.lastName },
      apiKeyName: projectApiKeys.name,
      decider: { email: decider.email, firstName: decider.firstName, lastName: decider.lastName },
      currentVersion: versionNow.version,
    })
    .from(promotionRequests)
    .innerJoin(prompts, eq(prompts.id, promotionRequests.promptId))
    .leftJoin(requester, eq(requester.id, promotionRequests.requestedBy))
    .leftJoin(decider, eq(decider.id, promotionRequests.decidedBy))
    .leftJoin(projectApiKeys, eq(projectApiKeys.id, promotionRequests.requestedByApiKeyId))
    .leftJoin(labelNow, and(eq(labelNow.promptId, promotionRequests.promptId), eq(labelNow.label, promotionRequests.label)))
    .leftJoin(versionNow, eq(versionNow.id, labelNow.versionId))
    .where(where)
    .orderBy(desc(promotionRequests.createdAt), desc(promotionRequests.id))
    .limit(limit);
  return rows.map(({ request, promptKey, requester: by, apiKeyName, decider: decidedBy, currentVersion }) => ({
    id: request.id,
    projectId: request.projectId,
    promptId: request.promptId,
    promptKey,
    label: request.label,
    fromVersion: request.fromVersion,
    toVersion: request.toVersion,
    currentVersion: currentVersion ?? null,
    status: request.status,
    comment: request.comment,
    requestedBy: {
      userId: request.requestedBy,
      apiKeyId: request.requestedByApiKeyId,
      name: request.requestedBy && by?.email ? nameOf(by) : apiKeyName ? `API key "${apiKeyName}"` : null,
    },
    decidedBy: request.decidedBy ? { userId: request.decidedBy, name: decidedBy?.email ? nameOf(decidedBy) : null } : null,
    decidedAt: request.decidedAt,
    decisionNote: request.decisionNote,
    createdAt: request.createdAt,
  }));
}

export function requestFilter(projectId: string, query: { status?: PromotionStatus; promptId?: string; before?: Date; id?: string }): SQL {
  const conditions: SQL[] = [eq(promotionRequests.projectId, projectId)];
  if (query.status) conditions.push(eq(promotionRequests.status, query.status));
  if (query.promptId) conditions.push(eq(promotionRequests.promptId, query.promptId));
  if (query.before) conditions.push(lt(promotionRequests.createdAt, query.before));
  if (query.id) conditions.push(eq(promotionRequests.id, query.id));
  return and(...conditions)!;
}
