import { userOf } from '../access/context.js';
import { promptParams } from '../analytics/schema.js';
import { AI_DISABLED_RESPONSE } from '../ai/schema.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { latestRunView, runBody, runParams, runView } from './schema.js';
import { latestReportRun, reportRunProgress, startReportRun } from './service.js';

const tags = ['analytics'];
const runs = '/api/dashboard/orgs/:orgId/projects/:projectId/analytics/prompts/:key/reports/runs';

export function reportRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: runs,
      surface: 'dashboard',
      auth: 'session',
      permission: 'ai.use',
      summary: "Generates a prompt's reports in the background: one per conversation not yet reported, one per 10 new conversation reports of a version, and one per version",
      description:
        'Answers at once with the queued run; poll it for progress. The reports appear under …/reports as they are written. While the prompt has a run queued or running, that run is answered (200) and nothing new is queued.',
      tags,
      request: { params: promptParams, body: runBody },
      responses: {
        200: { description: 'The run already queued or running for this prompt: nothing new was queued', schema: runView },
        202: { description: 'The queued run', schema: runView },
        404: { description: 'No such project or prompt in this organization' },
        409: AI_DISABLED_RESPONSE,
        429: { description: 'More AI requests this minute than AI_RATE_LIMIT_PER_MINUTE allows the organization' },
      },
      handler: async ({ params, body }, { res, services }) => {
        const { run, created } = await startReportRun(services, {
          organizationId: params.orgId,
          projectId: params.projectId,
          key: params.key,
          version: body.version,
          limit: body.limit,
          force: body.force,
          userId: userOf(res).userId,
        });
        return new Reply(created ? 202 : 200, run);
      },
    }),
    defineRoute({
      method: 'get',
      path: runs,
      surface: 'dashboard',
      auth: 'session',
      permission: 'trace.read',
      summary: "The prompt's newest report run, if any",
      tags,
      request: { params: promptParams },
      responses: { 200: { description: 'The newest run, or null', schema: latestRunView } },
      handler: async ({ params }, { services }) => latestReportRun(services, params.orgId, params.projectId, params.key),
    }),
    defineRoute({
      method: 'get',
      path: `${runs}/:runId`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'trace.read',
      summary: 'A report run\'s progress: conversations analysed of the total, batch and version reports written, and its state',
      tags,
      request: { params: runParams },
      responses: { 200: { description: 'The run', schema: runView }, 404: { description: 'No such run for this prompt' } },
      handler: async ({ params }, { services }) => reportRunProgress(services, params.orgId, params.projectId, params.key, params.runId),
    }),
  ];
}
