import { userOf } from '../access/context.js';
import { actingUser } from '../auth/session-cookie.js';
import { defineRoute, type AnyRouteDefinition } from '../http/registry.js';
import { requestSignal } from '../http/request-signal.js';
import { AI_DISABLED_RESPONSE, aiSettingBody, aiStatusView, checkBody, checkView, modelsQuery, modelsView, orgParams } from './schema.js';

const tags = ['ai'];
const base = '/api/dashboard/orgs/:orgId/ai';

export function aiRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: base,
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.read',
      summary: 'Whether the organization has AI, with which provider (the instance’s or its own key) and default model; its choice and the providers it may choose',
      tags,
      request: { params: orgParams },
      responses: { 200: { description: 'AI status; when off, a hint saying how to enable it', schema: aiStatusView } },
      handler: async ({ params }, { services }) => services.ai.status(params.orgId),
    }),
    defineRoute({
      method: 'put',
      path: `${base}/settings`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'providerkey.manage',
      summary: "Chooses the organization's AI provider (one available to it, or the instance's) and default model",
      description: 'Every AI feature then uses them unless a call names another provider or model. Recorded in the audit log.',
      tags,
      request: { params: orgParams, body: aiSettingBody },
      responses: { 200: { description: 'The AI status with the new setting', schema: aiStatusView } },
      handler: async ({ params, body }, { req, res, services }) => services.ai.updateSetting(actingUser(req, res), params.orgId, body),
    }),
    defineRoute({
      method: 'get',
      path: `${base}/models`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.read',
      summary: "The models of the organization's AI provider",
      description: "Ollama's from /api/tags, OpenAI-compatible servers' from /v1/models, Anthropic's from /v1/models; the provider's usual models when its list cannot be read.",
      tags,
      request: { params: orgParams, query: modelsQuery },
      responses: {
        200: { description: 'Models', schema: modelsView },
        409: AI_DISABLED_RESPONSE,
        429: { description: 'More AI requests this minute than AI_RATE_LIMIT_PER_MINUTE allows the organization' },
        502: { description: 'The provider refused the key (ai_provider_auth_failed)' },
      },
      handler: async ({ params, query }, { res, services }) => services.ai.listModels(params.orgId, { provider: query.provider }, requestSignal(res)),
    }),
    defineRoute({
      method: 'post',
      path: `${base}/test`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'ai.use',
      summary: "Checks the organization's AI provider with a tiny chat (a few tokens, recorded as usage)",
      tags,
      request: { params: orgParams, body: checkBody },
      responses: {
        200: { description: 'The check ran: ok with the reply, or the typed error the provider caused', schema: checkView },
        409: AI_DISABLED_RESPONSE,
        429: { description: 'More AI requests this minute than AI_RATE_LIMIT_PER_MINUTE allows the organization' },
      },
      handler: async ({ params, body }, { res, services }) =>
        services.ai.checkProvider({ organizationId: params.orgId, userId: userOf(res).userId, feature: 'provider-check' }, body, requestSignal(res)),
    }),
  ];
}
