import { gzipSync } from 'node:zlib';
import { context, SpanStatusCode, trace as traceApi, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { servedAppWithTwoProjects } from '../../test/helpers/app.js';
import type { SpanBody } from '@forprompt/sdk/ingest';
import { decodeExportRequest, decodeStatus, encodeExportResponse } from './otlp-proto.js';
import { eventsOfExport, exportTraceRequest } from './otlp.js';

interface SpanJson {
  spanId: string;
  parentSpanId: string | null;
  type: string;
  name: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  status: string;
  metadata: Record<string, unknown>;
  input: unknown;
  output: unknown;
}
interface TraceJson {
  traceId: string;
  name: string | null;
  promptKey: string | null;
  promptVersion: number | null;
  model: string | null;
  userId: string | null;
  sessionId: string | null;
  status: string;
  spanCount: number;
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
  metadata: Record<string, unknown>;
  spans: SpanJson[];
}

/** A conversation turn as an instrumented app records it: an agent span, a chat call and a tool call. */
function recordTurn(tracer: Tracer, options: { failTool?: boolean } = {}): string {
  const root = tracer.startSpan('support turn', { attributes: { 'forprompt.prompt.key': 'support.reply', 'forprompt.prompt.version': 3, 'user.id': 'user-7', 'session.id': 'session-9', 'app.region': 'eu' } });
  const inRoot = traceApi.setSpan(context.active(), root);
  const chat = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 45,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }]),
      },
    },
    inRoot,
  );
  chat.addEvent('gen_ai.first_token', { 'gen_ai.response.index': 0 });
  chat.end();
  const tool = tracer.startSpan(
    'execute_tool lookup_order',
    { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order' }, links: [{ context: chat.spanContext(), attributes: { reason: 'called by' } }] },
    inRoot,
  );
  if (options.failTool) tool.setStatus({ code: SpanStatusCode.ERROR, message: 'order service down' });
  tool.end();
  root.end();
  return root.spanContext().traceId;
}

describe('OpenTelemetry OTLP/HTTP export to /api/v1/otel/v1/traces', () => {
  const app = servedAppWithTwoProjects({ a: 'otel a', b: 'otel b' });
  const keys = app.keys;

  const endpoint = () => `${app.url}/api/v1/otel/v1/traces`;
  const getTrace = async (traceId: string, key = keys.a) => {
    const response = await fetch(`${app.url}/api/v1/traces/${traceId}`, { headers: { 'x-api-key': key } });
    return { status: response.status, body: (await response.json()) as TraceJson };
  };
  const exportAgain = (exporter: SpanExporter, spans: ReadableSpan[]) =>
    new Promise<number>((resolve) => exporter.export(spans, (result) => resolve(result.code)));

  /** A tracer provider exporting through `exporter` (batched), keeping a copy of each finished span. */
  function pipeline(exporter: SpanExporter) {
    const memory = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'support-bot', 'deployment.environment.name': 'staging' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: memory }), new BatchSpanProcessor({ exporter })],
    });
    return { tracer: tracerProvider.getTracer('support-bot'), memory, tracerProvider };
  }

  for (const [encoding, Exporter] of [
    ['JSON', JsonExporter],
    ['protobuf', ProtoExporter],
  ] as const) {
    it(`maps spans sent by the real ${encoding} exporter onto a trace with its model, tokens, prompt, user and span types; a re-export stores nothing twice`, async () => {
      const exporter = new Exporter({ url: endpoint(), headers: { authorization: `Bearer ${keys.a}` } });
      const { tracer, memory, tracerProvider } = pipeline(exporter);
      const traceId = recordTurn(tracer, { failTool: encoding === 'protobuf' });
      await tracerProvider.forceFlush();

      const { status, body } = await getTrace(traceId);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        traceId,
        name: 'support turn',
        promptKey: 'support.reply',
        promptVersion: 3,
        model: 'gpt-4o-mini-2024-07-18',
        userId: 'user-7',
        sessionId: 'session-9',
        spanCount: 3,
        inputTokens: 120,
        outputTokens: 45,
        errorCount: encoding === 'protobuf' ? 1 : 0,
        metadata: { 'service.name': 'support-bot' },
      });
      const byName = Object.fromEntries(body.spans.map((span) => [span.name, span]));
      const rootId = byName['support turn']!.spanId;
      expect(byName['support turn']).toMatchObject({ parentSpanId: null, type: 'message', metadata: { 'app.region': 'eu' } });
      expect(byName['chat gpt-4o-mini']).toMatchObject({ parentSpanId: rootId, type: 'llm_call', model: 'gpt-4o-mini-2024-07-18', inputTokens: 120, outputTokens: 45 });
      expect(byName['chat gpt-4o-mini']!.input).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }]);
      expect(byName['execute_tool lookup_order']).toMatchObject({ parentSpanId: rootId, type: 'tool_call', status: encoding === 'protobuf' ? 'error' : 'ok' });
      // Span events and links are kept in the span's metadata.
      expect(byName['chat gpt-4o-mini']!.metadata['otel.events']).toEqual([{ name: 'gen_ai.first_token', time: expect.stringMatching(/^\d{4}-.*Z$/), attributes: { 'gen_ai.response.index': 0 } }]);
      expect(byName['execute_tool lookup_order']!.metadata['otel.links']).toEqual([{ traceId, spanId: byName['chat gpt-4o-mini']!.spanId, attributes: { reason: 'called by' } }]);

      // The exporter retries a batch it thinks failed: the same spans again change nothing.
      expect(await exportAgain(exporter, memory.getFinishedSpans())).toBe(0) // ExportResultCode.SUCCESS;
      const again = await getTrace(traceId);
      expect(again.body).toMatchObject({ spanCount: 3, inputTokens: 120, outputTokens: 45 });
      expect(again.body.spans).toHaveLength(3);

      // Another project's key does not see it.
      expect((await getTrace(traceId, keys.b)).status).toBe(404);
      await tracerProvider.shutdown();
    });
  }

  it('links spans exported one at a time, children before their root, into one trace', async () => {
    const exporter = new JsonExporter({ url: endpoint(), headers: { 'x-api-key': keys.a } });
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const traceId = recordTurn(tracerProvider.getTracer('one-by-one'));
    await tracerProvider.forceFlush();
    const { body } = await getTrace(traceId);
    expect(body).toMatchObject({ name: 'support turn', promptKey: 'support.reply', model: 'gpt-4o-mini-2024-07-18', spanCount: 3, inputTokens: 120, status: 'completed' });
    await tracerProvider.shutdown();
  });

  const post = (body: string | Uint8Array, contentType: string, headers: Record<string, string> = {}) =>
    fetch(endpoint(), { method: 'POST', body, headers: { 'x-api-key': keys.a, 'content-type': contentType, ...headers } });

  it('answers a protobuf request with a protobuf ExportTraceServiceResponse, and counts spans with invalid ids as rejected', async () => {
    const request = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'kept', startTimeUnixNano: '1738324800000000000', endTimeUnixNano: '1738324801000000000' },
                { traceId: 'not-hex', spanId: 'cd'.repeat(8), name: 'refused' },
              ],
            },
          ],
        },
      ],
    };
    const json = await post(JSON.stringify(request), 'application/json');
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ partialSuccess: { rejectedSpans: 1, errorMessage: expect.stringContaining('traceId') } });
    const stored = await getTrace('ab'.repeat(16));
    expect(stored.body).toMatchObject({ name: 'kept', spanCount: 1, status: 'completed' });

    const encoded = await post(gzipSync(encodeExportResponse()), 'application/x-protobuf', { 'content-encoding': 'gzip' });
    expect(encoded.status).toBe(200);
    expect(encoded.headers.get('content-type')).toContain('application/x-protobuf');
    // An empty request is a valid one: nothing stored, full success (an empty response message).
    expect(Buffer.from(await encoded.arrayBuffer())).toHaveLength(0);
    expect(decodeExportRequest(new Uint8Array())).toEqual({});
  });

  it('refuses an undecodable body with 400 and a body of another type with 415; errors to protobuf requests are a protobuf Status', async () => {
    const garbage = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]), 'application/x-protobuf');
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toContain('application/x-protobuf');
    expect(decodeStatus(new Uint8Array(await garbage.arrayBuffer()))).toEqual({ code: 3, message: expect.stringContaining('not an OTLP ExportTraceServiceRequest') }); // INVALID_ARGUMENT
    const anonymous = await fetch(endpoint(), { method: 'POST', body: new Uint8Array(), headers: { 'content-type': 'application/x-protobuf' } });
    expect(anonymous.status).toBe(401);
    expect(decodeStatus(new Uint8Array(await anonymous.arrayBuffer())).code).toBe(16); // UNAUTHENTICATED
    const jsonGarbage = await post('{"resourceSpans": [', 'application/json');
    expect(((await jsonGarbage.json()) as { error: { code: string } }).error.code).toBe('validation_error');
    expect((await post(JSON.stringify({ resourceSpans: 'many' }), 'application/json')).status).toBe(400);
    expect((await post('spans', 'text/plain')).status).toBe(415);
    expect((await fetch(endpoint(), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
  });
});

describe('eventsOfExport', () => {
  it('reads times sent as JSON numbers, names events after the trace and span ids, and bounds what it copies', () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const { events, rejectedSpans } = eventsOfExport(
    exportTraceRequest.parse({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId,
                  spanId: 'b7ad6b7169203331',
                  name: 'completion\u0000',
                  startTimeUnixNano: 1738324800000000000,
                  endTimeUnixNano: '1738324800250000000',
                  attributes: [
                    { key: 'gen_ai.usage.prompt_tokens', value: { intValue: 12 } },
                    { key: 'gen_ai.usage.completion_tokens', value: { intValue: '4' } },
                    { key: 'big', value: { stringValue: 'x'.repeat(100_000) } },
                  ],
                  status: { code: 'STATUS_CODE_ERROR', message: 'timeout' },
                },
              ],
            },
          ],
        },
      ],
    }),
    );
    expect(rejectedSpans).toBe(0);
    expect(events.map((event) => event.id)).toEqual([expect.stringMatching(new RegExp(`^otel:${traceId}:trace:`)), `otel:${traceId}:b7ad6b7169203331`]);
    const span = events[1]!.body as SpanBody;
    expect(span).toMatchObject({ name: 'completion\uFFFD', type: 'llm_call', usage: { inputTokens: 12, outputTokens: 4 }, startTime: '2025-01-31T12:00:00.000Z', endTime: '2025-01-31T12:00:00.250Z', status: 'error', metadata: { 'otel.status_message': 'timeout' } });
    expect(JSON.stringify(span.metadata).length).toBeLessThan(10_000);
    expect(events[0]!.body).toMatchObject({ id: traceId, name: 'completion\uFFFD', status: 'error' });
  });
});
