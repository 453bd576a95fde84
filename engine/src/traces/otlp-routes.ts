import { z } from 'zod';
import { INGEST_LIMITS, type IngestEvent } from '@forprompt/sdk/ingest';
import { apiKeyOf } from '../access/context.js';
import { requestContext } from '../auth/session-cookie.js';
import { UnsupportedMediaTypeError, ValidationError } from '../errors.js';
import { defineRoute, type AnyRouteDefinition } from '../http/registry.js';
import { toFieldIssues } from '../http/validate.js';
import { decodeExportRequest, encodeExportResponse, encodeStatus } from './otlp-proto.js';
import { eventsOfExport, exportTraceRequest } from './otlp.js';
import { ingestBatch } from './service.js';

const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];

export const exportTraceResponseView = z.object({
  partialSuccess: z
    .object({
      rejectedSpans: z.int().describe('Spans refused (invalid ids or fields); the rest were stored'),
      errorMessage: z.string(),
    })
    .optional()
    .describe('Left out when every span was accepted'),
});

/** The request body as OTLP JSON's shape, whichever encoding it came in; 400 when it cannot be read. */
function readExportRequest(body: Buffer, protobuf: boolean) {
  let decoded: unknown;
  try {
    decoded = protobuf ? decodeExportRequest(body) : JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ValidationError(`The body is not an OTLP ExportTraceServiceRequest (${protobuf ? 'protobuf' : 'JSON'}): ${error instanceof Error ? error.message : String(error)}`, [
      { path: 'body', message: 'not a decodable ExportTraceServiceRequest' },
    ]);
  }
  const parsed = exportTraceRequest.safeParse(decoded);
  if (!parsed.success) throw new ValidationError('The body is not an OTLP ExportTraceServiceRequest', toFieldIssues('body', parsed.error));
  return parsed.data;
}

function chunks(events: IngestEvent[]): IngestEvent[][] {
  const size = INGEST_LIMITS.batchEvents;
  return Array.from({ length: Math.ceil(events.length / size) }, (_, index) => events.slice(index * size, (index + 1) * size));
}

export function otlpRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/otel/v1/traces',
      surface: 'v1',
      auth: 'apiKey',
      summary: 'OpenTelemetry: receive spans from an OTLP/HTTP trace exporter (JSON or protobuf)',
      description:
        'Point an OTLP/HTTP exporter at `<engine>/api/v1/otel/v1/traces` with the header `Authorization: Bearer fp_proj_…` (or `X-API-Key`). ' +
        'Bodies are `application/json` or `application/x-protobuf` ExportTraceServiceRequest messages (gzip accepted). Each span becomes a span of ' +
        'its trace (ids in hex); GenAI attributes (`gen_ai.request.model`, `gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens`, ' +
        '`gen_ai.operation.name`) give the model, tokens and span type, `forprompt.prompt.key` / `forprompt.prompt.version` the prompt, ' +
        '`user.id` / `session.id` the user and session; other attributes are kept as metadata. A retried export is not stored twice. ' +
        'A protobuf request is answered with a protobuf ExportTraceServiceResponse, and its errors with a protobuf `google.rpc.Status` ' +
        '(the HTTP status says what failed; 429 and 503 carry Retry-After: retry then). Span events and links are kept in the span\'s ' +
        'metadata (`otel.events`, `otel.links`).',
      tags: ['traces (public API)'],
      rawBody: true,
      bodyLimitBytes: INGEST_LIMITS.batchBytes,
      errorBody: {
        mediaType: 'application/x-protobuf',
        encode: (req, error) => (req.is(PROTOBUF_TYPES) ? Buffer.from(encodeStatus(error.status, error.message)) : undefined),
      },
      responses: {
        200: { description: 'Stored (with `partialSuccess` when some spans were refused)', schema: exportTraceResponseView, alsoAs: ['application/x-protobuf'] },
        400: { description: 'The body is not a decodable ExportTraceServiceRequest (for protobuf requests, errors are a protobuf google.rpc.Status)' },
        415: { description: 'Neither application/json nor application/x-protobuf' },
        429: { description: "More requests this minute than the key's limit (API_RATE_LIMIT_*), or the engine is already writing as many batches as it allows; retry after Retry-After seconds" },
      },
      handler: async ({ body }, { req, res, services }) => {
        const protobuf = Boolean(req.is(PROTOBUF_TYPES));
        if (!protobuf && !req.is('application/json')) throw new UnsupportedMediaTypeError('application/json or application/x-protobuf');
        const { projectId, apiKeyId } = apiKeyOf(res);
        const mapped = eventsOfExport(readExportRequest(body as Buffer, protobuf));
        const ctx = requestContext(req, { type: 'api_key', apiKeyId });
        let { rejectedSpans, errorMessage } = mapped;
        for (const chunk of chunks(mapped.events)) {
          const { results } = await ingestBatch(services, ctx, projectId, chunk);
          results.forEach((result, index) => {
            if (result.status !== 400) return;
            if (chunk[index]!.type === 'span-create') rejectedSpans += 1;
            errorMessage ||= `${chunk[index]!.type} ${chunk[index]!.id}: ${result.error?.message ?? 'invalid'}`;
          });
        }
        const partialSuccess = rejectedSpans > 0 ? { rejectedSpans, errorMessage } : undefined;
        if (protobuf) {
          res.status(200).type('application/x-protobuf').end(Buffer.from(encodeExportResponse(partialSuccess)));
          return;
        }
        return partialSuccess ? { partialSuccess } : {};
      },
    }),
  ];
}
