import { z } from 'zod';
import { actingUser } from '../auth/session-cookie.js';
import { text } from '../http/fields.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';

const tags = ['model prices'];
const base = '/api/dashboard/orgs/:orgId/model-prices';
const orgParams = z.object({ orgId: z.uuid() });
const priceParams = orgParams.extend({ priceId: z.uuid() });

const pricePerMillion = z.number('expected a number of USD').min(0, 'must not be negative').max(1_000_000, 'at most 1000000 USD per 1M tokens');
const priceFields = {
  modelPattern: text(200)
    .trim()
    .min(1, 'required')
    .describe('An exact model name (`gpt-4o-mini`) or a pattern with `*` (`claude-3-5-*`); exact names win, then the longest pattern'),
  inputPricePerMillion: pricePerMillion.describe('USD per 1M input tokens'),
  outputPricePerMillion: pricePerMillion.describe('USD per 1M output tokens'),
};
const createPriceBody = z.strictObject(priceFields);
const updatePriceBody = z
  .strictObject({ modelPattern: priceFields.modelPattern.optional(), inputPricePerMillion: priceFields.inputPricePerMillion.optional(), outputPricePerMillion: priceFields.outputPricePerMillion.optional() })
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one field' });

export const modelPriceView = z.object({
  id: z.uuid(),
  scope: z.enum(['organization', 'default']).describe("`organization`: this organization's own (editable); `default`: the instance's"),
  modelPattern: z.string(),
  inputPricePerMillion: z.number(),
  outputPricePerMillion: z.number(),
  updatedAt: z.date(),
});

/** Prices that ingestion uses to fill the cost of spans sent with tokens but no cost. */
export function modelPriceRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: base,
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.read',
      summary: "Model prices: the organization's own, then the instance defaults it does not override",
      tags,
      request: { params: orgParams },
      responses: { 200: { description: 'Prices by pattern', schema: z.object({ prices: z.array(modelPriceView) }) } },
      handler: async ({ params }, { services }) => ({ prices: await services.provider.traces.listPrices(params.orgId) }),
    }),
    defineRoute({
      method: 'post',
      path: base,
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.manage',
      summary: "Price a model for the organization's projects (spans ingested from now on)",
      tags,
      request: { params: orgParams, body: createPriceBody },
      responses: { 201: { description: 'Created', schema: modelPriceView }, 409: { description: 'The organization already prices this pattern (model_price_exists)' } },
      handler: async ({ params, body }, { req, res, services }) => new Reply(201, await services.provider.traces.createPrice(actingUser(req, res), params.orgId, body)),
    }),
    defineRoute({
      method: 'patch',
      path: `${base}/:priceId`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.manage',
      summary: "Change one of the organization's prices",
      tags,
      request: { params: priceParams, body: updatePriceBody },
      responses: { 200: { description: 'Updated', schema: modelPriceView } },
      handler: async ({ params, body }, { req, res, services }) => services.provider.traces.updatePrice(actingUser(req, res), params.orgId, params.priceId, body),
    }),
    defineRoute({
      method: 'delete',
      path: `${base}/:priceId`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.manage',
      summary: "Remove one of the organization's prices (the instance default, if any, applies again)",
      tags,
      request: { params: priceParams },
      responses: { 200: { description: 'Deleted', schema: z.object({ ok: z.literal(true) }) } },
      handler: async ({ params }, { req, res, services }) => {
        await services.provider.traces.deletePrice(actingUser(req, res), params.orgId, params.priceId);
        return { ok: true as const };
      },
    }),
  ];
}
