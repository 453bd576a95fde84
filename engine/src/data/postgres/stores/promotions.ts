import { and, asc, eq } from 'drizzle-orm';
import { projectProtectedLabels, promotionRequests, prompts } from '../schema/index.js';
import { command } from '../write.js';
import type { Database } from '../database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../errors.js';
import type { PromotionStore } from '../../prompts.js';
import { applyLabels, labelEvents, organizationOf, readRequests, requestFilter, userOf } from './labels.js';
import { findPrompt } from './prompt-rows.js';

export function promotionStore(db: Database): PromotionStore {
  const protectedLabels = (projectId: string) =>
    db
      .select({ label: projectProtectedLabels.label, createdBy: projectProtectedLabels.createdBy, createdAt: projectProtectedLabels.createdAt })
      .from(projectProtectedLabels)
      .where(eq(projectProtectedLabels.projectId, projectId))
      .orderBy(asc(projectProtectedLabels.label));

  return {
    protectedLabels,

    async protect(ctx, projectId, label) {
      if (label === 'latest') throw new ValidationError('"latest" moves by itself and cannot be protected', [{ path: 'body.label', message: 'latest is automatic' }], 'label_reserved');
      await command(db, ctx, async (tx) => {
        const organizationId = await organizationOf(tx, projectId);
        const [row] = await tx.insert(projectProtectedLabels).values({ projectId, label, createdBy: userOf(ctx) }).onConflictDoNothing().returning();
        return {
          result: undefined,
          audit: { organizationId, projectId, action: 'label.protected', targetType: 'label', targetId: row?.id, summary: row ? `label "${label}" protected` : `label "${label}" was protected already` },
          events: row ? [{ organizationId, projectId, type: 'label.protected', payload: { label } }] : [],
        };
      });
      return protectedLabels(projectId);
    },

    async unprotect(ctx, projectId, label) {
      await command(db, ctx, async (tx) => {
        const organizationId = await organizationOf(tx, projectId);
        const removed = await tx
          .delete(projectProtectedLabels)
          .where(and(eq(projectProtectedLabels.projectId, projectId), eq(projectProtectedLabels.label, label)))
          .returning({ id: projectProtectedLabels.id });
        return {
          result: undefined,
          audit: { organizationId, projectId, action: 'label.unprotected', targetType: 'label', summary: removed.length ? `label "${label}" no longer protected` : `label "${label}" was not protected` },
          events: removed.length ? [{ organizationId, projectId, type: 'label.unprotected', payload: { label } }] : [],
        };
      });
      return protectedLabels(projectId);
    },

    async list(projectId, query) {
      let promptId: string | undefined;
      if (query.key) {
        const prompt = await findPrompt(db, projectId, query.key);
        if (!prompt) return [];
        promptId = prompt.id;
      }
      return readRequests(db, requestFilter(projectId, { status: query.status, promptId, before: query.before }), query.limit);
    },

    async get(projectId, id) {
      const [request] = await readRequests(db, requestFilter(projectId, { id }), 1);
      return request ?? null;
    },

    async decide(ctx, projectId, id, decision, note) {
      await command(db, ctx, async (tx) => {
        const organizationId = await organizationOf(tx, projectId);
        const [request] = await tx
          .select()
          .from(promotionRequests)
          .where(and(eq(promotionRequests.id, id), eq(promotionRequests.projectId, projectId)))
          .for('update');
        if (!request) throw new NotFoundError('Promotion request', 'promotion_request_not_found');
        if (request.status !== 'pending') throw new ConflictError(`This request was ${request.status} already`, 'promotion_not_pending');
        // The prompt row lock orders this move with saves and other moves of the same prompt.
        const [prompt] = await tx.select().from(prompts).where(eq(prompts.id, request.promptId)).for('update');
        const status = decision === 'approve' ? 'approved' : decision === 'reject' ? 'rejected' : 'cancelled';
        await tx
          .update(promotionRequests)
          .set({ status, decidedBy: userOf(ctx), decidedAt: new Date(), decisionNote: note ?? null })
          .where(eq(promotionRequests.id, id));
        const moved = decision === 'approve' ? await applyLabels(tx, ctx, prompt!, [{ label: request.label, version: request.toVersion }]) : [];
        const payload = { promotionRequestId: id, promptId: prompt!.id, key: prompt!.key, label: request.label, version: request.toVersion };
        return {
          result: undefined,
          audit: {
            organizationId,
            projectId,
            action: `prompt.promotion.${status}`,
            targetType: 'prompt',
            targetId: prompt!.id,
            summary: `prompt "${prompt!.key}": ${request.label} → ${request.toVersion} ${status}${note ? ` (${note.slice(0, 200)})` : ''}`,
          },
          events: [{ organizationId, projectId, type: `prompt.promotion.${status}`, payload }, ...labelEvents(organizationId, prompt!, moved)],
        };
      });
      const [decided] = await readRequests(db, requestFilter(projectId, { id }), 1);
      return decided!;
    },
  };
}
