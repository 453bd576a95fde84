import { z } from 'zod';
import type { PromotionRequest } from '../data/prompts.js';

/** A promotion request as the APIs show it. */
export const promotionRequestView = z
  .object({
    id: z.uuid(),
    promptKey: z.string(),
    label: z.string(),
    fromVersion: z.number().int().nullable(),
    toVersion: z.number().int(),
    currentVersion: z.number().int().nullable(),
    status: z.enum(['pending', 'approved', 'rejected', 'cancelled', 'superseded']),
    comment: z.string().nullable(),
    requestedBy: z.object({ userId: z.uuid().nullable(), apiKeyId: z.uuid().nullable(), name: z.string().nullable() }),
    decidedBy: z.object({ userId: z.uuid(), name: z.string().nullable() }).nullable(),
    decidedAt: z.date().nullable(),
    decisionNote: z.string().nullable(),
    createdAt: z.date(),
  })
  .meta({ id: 'PromotionRequest' });

export function toPromotionView(request: PromotionRequest): z.infer<typeof promotionRequestView> {
  const { projectId: _projectId, promptId: _promptId, ...view } = request;
  return view;
}
