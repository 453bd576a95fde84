import { defineRoute, type AnyRouteDefinition } from '../http/registry.js';
import { requireProject } from '../projects/service.js';
import { compareQuery, compareView, orgParams, overviewView, projectParams, promptParams, rangeQuery, reportsView, seriesQuery, seriesView, usageView, versionsView } from './schema.js';
import { compareVersions, organizationUsage, projectOverview, promptSeries, promptVersions, rangeOf } from './service.js';

const tags = ['analytics'];
/** Reports of each kind a prompt's reports list shows. */
const REPORTS_SHOWN = 20;
const base = '/api/dashboard/orgs/:orgId/projects/:projectId/analytics';

export function analyticsRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: `${base}/overview`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'trace.read',
      summary: "The project's totals over a time range: traces, spans, tokens, cost, error rate, latency, and its busiest prompts",
      tags,
      request: { params: projectParams, query: rangeQuery },
      responses: { 200: { description: 'Totals for the range (the last 7 days by default)', schema: overviewView } },
      handler: async ({ params, query }, { services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        return projectOverview(services, project.id, rangeOf(query));
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/prompts/:key/series`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'trace.read',
      summary: "A prompt's traces over time (hourly up to 3 days, daily beyond): volume, error rate, latency p50/p95/p99, tokens, cost",
      tags,
      request: { params: promptParams, query: seriesQuery },
      responses: { 200: { description: 'One point per bucket, empty buckets included', schema: seriesView } },
      handler: async ({ params, query }, { services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        return promptSeries(services, project.id, params.key, rangeOf(query), query.version);
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/prompts/:key/versions`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'trace.read',
      summary: "A prompt's statistics per version over a time range",
      tags,
      request: { params: promptParams, query: rangeQuery },
      responses: { 200: { description: 'One row per version seen, newest first', schema: versionsView } },
      handler: async ({ params, query }, { services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        return promptVersions(services, project.id, params.key, rangeOf(query));
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/prompts/:key/compare`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'trace.read',
      summary: 'Two versions of a prompt side by side, with the difference (candidate − base) of each measure',
      description: 'Without `base` and `candidate`, compares the newest version seen in the range with the one before it.',
      tags,
      request: { params: promptParams, query: compareQuery },
      responses: { 200: { description: 'Both versions and their deltas', schema: compareView } },
      handler: async ({ params, query }, { services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        return compareVersions(services, project.id, params.key, rangeOf(query), query);
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/prompts/:key/reports`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'trace.read',
      summary: "The AI-written reports stored for a prompt, newest first: per conversation, per batch of conversations and per version",
      description: 'The newest 20 of each kind. Reports are written by the AI features (an AI provider must be configured); until then the lists are empty.',
      tags,
      request: { params: promptParams },
      responses: { 200: { description: 'The reports of each kind', schema: reportsView } },
      handler: async ({ params }, { services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        return { promptKey: params.key, ...(await services.provider.analytics.reports(project.id, params.key, REPORTS_SHOWN)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs/:orgId/usage',
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.read',
      summary: "The organization's usage over a time range: traces, spans, tokens and AI tokens, per project and per day",
      tags,
      request: { params: orgParams, query: rangeQuery },
      responses: { 200: { description: 'Usage for the range (the last 7 days by default)', schema: usageView } },
      handler: async ({ params, query }, { services }) => organizationUsage(services, params.orgId, rangeOf(query)),
    }),
  ];
}
