import { INGEST_LIMITS } from '@forprompt/sdk/ingest';
import { apiKeyOf } from '../access/context.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { ingestEnvelope, ingestResponseView, traceDetailView, traceIdParams, traceListQuery, tracePageView } from './schema.js';
import { getTrace, ingestBatch, ingestContext, listTraces, toTraceQuery } from './service.js';

const tags = ['traces (public API)'];

export const INGEST_PATH = '/api/v1/ingest';

export function traceRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: INGEST_PATH,
      surface: 'v1',
      auth: 'apiKey',
      summary: 'Send traces and spans: a batch of events (trace-create, trace-update, span-create, span-update), each answered on its own',
      description:
        'Up to 1,000 events or 5 MB. Each event carries a client-generated id: an id seen before is answered 200 and not applied ' +
        'again, so a retried batch never duplicates. An invalid event is answered 400 with its fields named (`batch.3.body.traceId`) ' +
        'while the rest of the batch is applied. An answered event is committed. When the engine is already writing as many batches as ' +
        'it allows, or the database is away or slow, the batch is answered 429 or 503 with Retry-After and nothing is kept: send it again. ' +
        'A trace given an end time without a status is completed. ' +
        'The event schemas are published as `@forprompt/sdk/ingest`.',
      tags,
      request: { body: ingestEnvelope },
      responses: {
        207: { description: 'One result per event, in batch order', schema: ingestResponseView },
        429: { description: "More requests this minute than the key's limit (API_RATE_LIMIT_*), or the engine is already writing as many batches as it allows; nothing was kept: retry after Retry-After seconds" },
      },
      bodyLimitBytes: INGEST_LIMITS.batchBytes,
      // Also served by the ingest lane (ingest-lane.ts), before Express.
      handler: async ({ body }, { res, services }) => {
        const { projectId, apiKeyId } = apiKeyOf(res);
        return new Reply(207, await ingestBatch(services, ingestContext(apiKeyId), projectId, body.batch));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/traces',
      surface: 'v1',
      auth: 'apiKey',
      summary: "The project's traces, a page at a time (keyset), newest, slowest or most expensive first; filter by prompt, version, model, user, session, status, tags, time and words in the content",
      tags,
      request: { query: traceListQuery },
      responses: { 200: { description: 'A page of traces', schema: tracePageView } },
      handler: async ({ query }, { res, services }) => {
        return listTraces(services, apiKeyOf(res).projectId, toTraceQuery(query));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/traces/:traceId',
      surface: 'v1',
      auth: 'apiKey',
      summary: 'A trace by your trace id, with its spans',
      tags,
      request: { params: traceIdParams },
      responses: {
        200: { description: 'The trace and its spans', schema: traceDetailView },
        404: { description: 'The project has no trace with this id (trace_not_found)' },
      },
      handler: async ({ params }, { res, services }) => getTrace(services, apiKeyOf(res).projectId, params.traceId),
    }),
  ];
}
