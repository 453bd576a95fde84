import { userOf } from '../access/context.js';
import { AI_DISABLED_RESPONSE } from '../ai/schema.js';
import { actingUser } from '../auth/session-cookie.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { requestSignal } from '../http/request-signal.js';
import { analysesView, analyzeBody, analyzeView, versionParams } from './schema.js';
import { analyzeVersion, listAnalyses } from './service.js';

const tags = ['ai'];
const path = '/api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key/versions/:version/analyses';

export function analysisRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path,
      surface: 'dashboard',
      auth: 'session',
      permission: 'ai.use',
      summary: "Has the organization's AI review a version: clarity score, assessment, improvements, edge cases, optimizations",
      description: 'Alignment with the metadata when it has any, tool usage when tools are linked. Stored, audit-logged and counted as an analysis run.',
      tags,
      request: { params: versionParams, body: analyzeBody },
      responses: {
        201: { description: 'The stored analysis', schema: analyzeView },
        404: { description: 'No such project, prompt or version in this organization' },
        409: AI_DISABLED_RESPONSE,
        429: { description: 'More AI requests this minute than AI_RATE_LIMIT_PER_MINUTE allows the organization' },
        502: { description: "The provider failed, or its reply stayed invalid after one repair (ai_invalid_output): nothing is stored" },
      },
      handler: async ({ params, body }, { req, res, services }) => {
        const analysis = await analyzeVersion(services, {
          organizationId: params.orgId,
          projectId: params.projectId,
          key: params.key,
          version: params.version,
          userId: userOf(res).userId,
          ctx: actingUser(req, res),
          model: body.model,
          signal: requestSignal(res),
        });
        return new Reply(201, analysis);
      },
    }),
    defineRoute({
      method: 'get',
      path,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: "A version's stored analyses, newest first",
      tags,
      request: { params: versionParams },
      responses: { 200: { description: 'Analyses', schema: analysesView } },
      handler: async ({ params }, { services }) => listAnalyses(services, params.orgId, params.projectId, params.key, params.version),
    }),
  ];
}
