import { userOf } from '../access/context.js';
import { AI_DISABLED_RESPONSE } from '../ai/schema.js';
import { defineRoute, type AnyRouteDefinition } from '../http/registry.js';
import { requestSignal } from '../http/request-signal.js';
import { requireProject } from '../projects/service.js';
import { assistRoutes } from './assist-routes.js';
import { openEventStream } from './event-stream.js';
import { editBody, editParams, editStreamEvent, EDIT_STREAM_DESCRIPTION } from './schema.js';
import { editSystemPrompt, streamEdit } from './service.js';

export function editingRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/dashboard/orgs/:orgId/projects/:projectId/ai/edit',
      surface: 'dashboard',
      auth: 'session',
      permission: 'ai.use',
      summary: 'Edits a prompt (or the selected part of it) with AI, following a chat instruction; streamed as server-sent events',
      description: `${EDIT_STREAM_DESCRIPTION} Nothing is saved: accepting an edit saves a version through the versions route.`,
      tags: ['ai'],
      request: { params: editParams, body: editBody },
      responses: {
        200: { description: 'text/event-stream; each event\'s data is one of these JSON objects', schema: editStreamEvent, alsoAs: ['text/event-stream'] },
        404: { description: 'No such project in this organization' },
        409: AI_DISABLED_RESPONSE,
        429: { description: 'More AI requests this minute than AI_RATE_LIMIT_PER_MINUTE allows the organization' },
      },
      handler: async ({ params, body }, { res, services }) => {
        const signal = requestSignal(res);
        const project = await requireProject(services, params.orgId, params.projectId);
        const { provider } = await services.ai.forRequest({ organizationId: params.orgId, projectId: project.id, userId: userOf(res).userId, feature: 'edit' }, { provider: body.provider });
        const system = await editSystemPrompt(services, params.orgId);
        const stream = openEventStream(res);
        for await (const event of streamEdit(provider, system, body, signal)) stream.send(event);
        stream.end();
      },
    }),
    ...assistRoutes(),
  ];
}
