import { z } from 'zod';
import { actingUser } from '../auth/session-cookie.js';
import { assertSlugConfirmed, confirmSlugBody } from '../http/fields.js';
import { defineRoute, type AnyRouteDefinition } from '../http/registry.js';
import type { Services } from '../http/services.js';
import { requireProject } from '../projects/service.js';
import { traceDetailView, traceIdParams, traceListQuery, tracePageView } from './schema.js';
import { getTrace, listTraces, toTraceQuery } from './service.js';

const tags = ['traces (dashboard)'];
const base = '/api/dashboard/orgs/:orgId/projects/:projectId/traces';
const projectParams = z.object({ orgId: z.uuid(), projectId: z.uuid() });
const traceParams = projectParams.extend(traceIdParams.shape);

/** The project's id, if it is in the caller's organization (another organization's is a 404). */
const projectIn = async (services: Services, organizationId: string, projectId: string) => (await requireProject(services, organizationId, projectId)).id;

export const retentionView = z.object({
  retentionDays: z.int().nullable().describe('Traces older than this many days are deleted; null keeps them forever'),
});
const retentionBody = z.strictObject({
  retentionDays: z.int('expected a whole number of days').min(1, 'at least 1 day').max(36_500, 'at most 36500 days (100 years)').nullable(),
});

export function traceDashboardRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: base,
      surface: 'dashboard',
      auth: 'session',
      permission: 'trace.read',
      summary: "The project's traces, a page at a time (keyset), newest, slowest or most expensive first, with the explorer's filters",
      tags,
      request: { params: projectParams, query: traceListQuery },
      responses: { 200: { description: 'A page of traces', schema: tracePageView } },
      handler: async ({ params, query }, { services }) => listTraces(services, await projectIn(services, params.orgId, params.projectId), toTraceQuery(query)),
    }),
    defineRoute({
      method: 'get',
      path: `${base}/:traceId`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'trace.read',
      summary: 'A trace by its trace id, with its spans',
      tags,
      request: { params: traceParams },
      responses: { 200: { description: 'The trace and its spans', schema: traceDetailView } },
      handler: async ({ params }, { services }) => getTrace(services, await projectIn(services, params.orgId, params.projectId), params.traceId),
    }),
    defineRoute({
      method: 'delete',
      path: `${base}/:traceId`,
      surface: 'dashboard',
      auth: 'session',
      // Members curate the project's data (as they edit prompts); clearing everything is for admins.
      permission: 'prompt.write',
      summary: 'Delete a trace and its spans',
      tags,
      request: { params: traceParams },
      responses: { 200: { description: 'Deleted', schema: z.object({ ok: z.literal(true) }) } },
      handler: async ({ params }, { req, res, services }) => {
        const projectId = await projectIn(services, params.orgId, params.projectId);
        await services.provider.traces.delete(actingUser(req, res), { organizationId: params.orgId, projectId }, params.traceId);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${base}/clear`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'project.manage',
      summary: "Delete all of the project's traces (type the project's slug to confirm)",
      tags,
      request: { params: projectParams, body: confirmSlugBody },
      responses: { 200: { description: 'Cleared', schema: z.object({ deleted: z.int().describe('Traces deleted') }) } },
      handler: async ({ params, body }, { req, res, services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        assertSlugConfirmed('project', project.slug, body.confirmSlug);
        return { deleted: await services.provider.traces.clear(actingUser(req, res), { organizationId: params.orgId, projectId: project.id }) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs/:orgId/projects/:projectId/trace-retention',
      surface: 'dashboard',
      auth: 'session',
      permission: 'project.read',
      summary: 'How long the project keeps its traces',
      tags,
      request: { params: projectParams },
      responses: { 200: { description: 'The setting', schema: retentionView } },
      handler: async ({ params }, { services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        return { retentionDays: await services.provider.traces.retention(project.id) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/dashboard/orgs/:orgId/projects/:projectId/trace-retention',
      surface: 'dashboard',
      auth: 'session',
      permission: 'project.manage',
      summary: 'Keep traces N days (null: forever); a background job deletes older ones every hour',
      tags,
      request: { params: projectParams, body: retentionBody },
      responses: { 200: { description: 'The new setting', schema: retentionView } },
      handler: async ({ params, body }, { req, res, services }) => {
        const projectId = await projectIn(services, params.orgId, params.projectId);
        await services.provider.traces.setRetention(actingUser(req, res), { organizationId: params.orgId, projectId }, body.retentionDays);
        return { retentionDays: body.retentionDays };
      },
    }),
  ];
}
