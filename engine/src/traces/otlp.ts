import { createHash } from 'node:crypto';
import { z } from 'zod';
import { INGEST_LIMITS, type IngestEvent, type JsonObject, type JsonValue, type SpanBody, type SpanType, type TraceBody } from '@forprompt/sdk/ingest';

/**
 * OTLP trace export (https://opentelemetry.io/docs/specs/otlp/) mapped onto ingest events: each span a
 * `span-create`, each trace of the request a `trace-create`. GenAI semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/) and `forprompt.prompt.*` attributes fill in the
 * model, tokens, prompt, user and session. Event ids derive from the trace and span ids, so an
 * exporter's retry of the same spans is acknowledged and not applied twice.
 */

// The OTLP JSON encoding (protobuf requests are decoded into the same shape, otlp-proto.ts). Unknown
// fields are ignored, as protobuf readers do.
// 64-bit integers: decimal strings, or JSON numbers (which may be past 2^53, so not checked as safe integers).
const int64 = z.union([z.string().regex(/^-?\d{1,20}$/), z.number().refine(Number.isInteger, 'expected an integer')]);
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    doubleValue: z.union([z.number(), z.string()]).optional(),
    arrayValue: z.object({ values: z.array(anyValue).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(keyValue).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);
const keyValue: z.ZodType<KeyValue> = z.lazy(() => z.object({ key: z.string(), value: anyValue.optional() }));
const attributes = z.array(keyValue).optional();
const enumValue = (names: string[]) => z.union([z.number().int(), z.enum(names).transform((name) => names.indexOf(name))]);

const otlpSpan = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string().optional(),
  kind: enumValue(['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER']).optional(),
  startTimeUnixNano: int64.optional(),
  endTimeUnixNano: int64.optional(),
  attributes,
  events: z.array(z.object({ name: z.string().optional(), timeUnixNano: int64.optional(), attributes })).optional(),
  links: z.array(z.object({ traceId: z.string().optional(), spanId: z.string().optional(), attributes })).optional(),
  status: z.object({ code: enumValue(['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR']).optional(), message: z.string().optional() }).optional(),
});
type OtlpSpan = z.infer<typeof otlpSpan>;

export const exportTraceRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes }).optional(),
        scopeSpans: z.array(z.object({ scope: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(), spans: z.array(otlpSpan).optional() })).optional(),
      }),
    )
    .optional(),
});
export type ExportTraceRequest = z.infer<typeof exportTraceRequest>;

const STATUS_ERROR = 2;
const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);
/** Attributes that become fields of the span or trace rather than metadata. */
const MAPPED = new Set([
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.prompt',
  'gen_ai.completion',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'forprompt.prompt.key',
  'forprompt.prompt.version',
  'user.id',
  'session.id',
]);
/** Metadata kept per span or trace: well under the ingest limit, so that one noisy span cannot be refused for it. */
const METADATA_BUDGET = 32 * 1024;
const VALUE_CHARS = 4 * 1024;

// NUL and lone surrogates cannot be stored: replaced rather than refusing the span.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const clean = (text: string, max: number) => {
  const cleaned = text.replace(UNSTORABLE, '\uFFFD');
  return cleaned.length > max ? `${cleaned.slice(0, Math.max(0, max - 1))}…` : cleaned;
};

function jsonOf(value: AnyValue | undefined, depth = 0): JsonValue {
  if (!value || depth > 8) return null;
  if (value.stringValue !== undefined) return clean(value.stringValue, INGEST_LIMITS.contentChars);
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const number = Number(value.intValue);
    return Number.isSafeInteger(number) ? number : String(value.intValue);
  }
  if (value.doubleValue !== undefined) {
    const number = Number(value.doubleValue);
    return Number.isFinite(number) ? number : String(value.doubleValue);
  }
  if (value.arrayValue) return (value.arrayValue.values ?? []).map((item) => jsonOf(item, depth + 1));
  if (value.kvlistValue) return Object.fromEntries((value.kvlistValue.values ?? []).map((entry) => [clean(entry.key, 200), jsonOf(entry.value, depth + 1)]));
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}

const attributeMap = (list: KeyValue[] | undefined): Map<string, JsonValue> => new Map((list ?? []).map((entry) => [entry.key, jsonOf(entry.value)]));

const textAttribute = (values: Map<string, JsonValue>, max: number, ...keys: string[]): string | undefined => {
  for (const key of keys) {
    const value = values.get(key);
    if (typeof value === 'string' && value.length > 0) return clean(value, max);
    if (typeof value === 'number') return String(value);
  }
  return undefined;
};

const countAttribute = (values: Map<string, JsonValue>, ...keys: string[]): number | undefined => {
  for (const key of keys) {
    const value = Number(values.get(key));
    if (Number.isInteger(value) && value >= 0 && value <= 2_147_483_647) return value;
  }
  return undefined;
};

/** Content attributes may be JSON text (`gen_ai.input.messages`): parsed when they are. */
function contentAttribute(values: Map<string, JsonValue>, ...keys: string[]): JsonValue | undefined {
  for (const key of keys) {
    const value = values.get(key);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      try {
        return bounded(JSON.parse(value) as JsonValue, INGEST_LIMITS.contentChars);
      } catch {
        return value;
      }
    }
    return bounded(value, INGEST_LIMITS.contentChars);
  }
  return undefined;
}

/** The value, or its JSON text cut short when it is larger than `max` characters as JSON. */
function bounded(value: JsonValue, max: number): JsonValue {
  const json = JSON.stringify(value);
  return json.length <= max ? value : `${json.slice(0, Math.floor(max / 2))}… [truncated]`;
}

/** Attributes not mapped to fields, within the metadata budget (later ones dropped once it is spent). */
function metadataOf(values: Map<string, JsonValue>, extra: JsonObject = {}): JsonObject {
  const metadata: JsonObject = { ...extra };
  let used = JSON.stringify(metadata).length;
  for (const [key, value] of values) {
    if (MAPPED.has(key)) continue;
    const kept = bounded(value, VALUE_CHARS);
    const size = key.length + JSON.stringify(kept).length + 4;
    if (used + size > METADATA_BUDGET) break;
    metadata[clean(key, 200)] = kept;
    used += size;
  }
  return metadata;
}

const EARLIEST_MS = 0;
const LATEST_MS = Date.parse('9999-12-31T23:59:59Z');
/** Unix nanoseconds as an ISO time; undefined for zero, unset or out-of-range times. */
function isoOf(nanos: string | number | undefined): string | undefined {
  if (nanos === undefined) return undefined;
  const ms = Number(BigInt(nanos) / 1_000_000n);
  return ms > EARLIEST_MS && ms <= LATEST_MS ? new Date(ms).toISOString() : undefined;
}

function spanType(values: Map<string, JsonValue>): SpanType {
  const operation = values.get('gen_ai.operation.name');
  if (operation === 'execute_tool') return 'tool_call';
  if ((typeof operation === 'string' && LLM_OPERATIONS.has(operation)) || [...values.keys()].some((key) => key.startsWith('gen_ai.'))) return 'llm_call';
  return 'message';
}

const isId = (id: string | undefined, length: number) => id !== undefined && id.length === length && /^[0-9a-f]+$/i.test(id) && !/^0+$/.test(id);

/** At most this many events or links per span are kept, within this many characters of JSON. */
const MAX_LIST = 32;
const EVENTS_CHARS = 8 * 1024;

const attributesOf = (list: KeyValue[] | undefined): { attributes?: JsonObject } => {
  const values = attributeMap(list);
  return values.size > 0 ? { attributes: Object.fromEntries([...values].map(([key, value]) => [clean(key, 200), bounded(value, VALUE_CHARS)])) } : {};
};

/** A span's events (an exception, a streamed chunk…), with their times, in the span's metadata. */
function spanEvents(span: OtlpSpan): JsonObject[] {
  return (span.events ?? []).slice(0, MAX_LIST).map((event) => {
    const time = isoOf(event.timeUnixNano);
    return { name: clean(event.name ?? '', 200), ...(time && { time }), ...attributesOf(event.attributes) };
  });
}

interface MappedSpan {
  body: SpanBody;
  attributes: Map<string, JsonValue>;
  resource: Map<string, JsonValue>;
  start?: string;
}

function mapSpan(span: OtlpSpan, resource: Map<string, JsonValue>, scope: string | undefined): MappedSpan {
  const values = attributeMap(span.attributes);
  const type = spanType(values);
  const start = isoOf(span.startTimeUnixNano);
  const end = isoOf(span.endTimeUnixNano);
  const inputTokens = countAttribute(values, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens');
  const outputTokens = countAttribute(values, 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens');
  const extra: JsonObject = {};
  if (scope) extra['otel.scope'] = clean(scope, 200);
  if (span.status?.message) extra['otel.status_message'] = clean(span.status.message, VALUE_CHARS);
  const events = spanEvents(span);
  if (events.length > 0) extra['otel.events'] = bounded(events, EVENTS_CHARS);
  const links = (span.links ?? []).filter((link) => isId(link.traceId, 32) && isId(link.spanId, 16)).slice(0, MAX_LIST);
  if (links.length > 0) {
    extra['otel.links'] = bounded(
      links.map((link) => ({ traceId: link.traceId!.toLowerCase(), spanId: link.spanId!.toLowerCase(), ...attributesOf(link.attributes) })),
      EVENTS_CHARS,
    );
  }
  const parentSpanId = span.parentSpanId?.toLowerCase();
  const body: SpanBody = {
    id: span.spanId.toLowerCase(),
    traceId: span.traceId.toLowerCase(),
    ...(parentSpanId && isId(parentSpanId, 16) && parentSpanId !== span.spanId.toLowerCase() && { parentSpanId }),
    type,
    ...(type === 'tool_call' && { role: 'tool' as const }),
    name: clean(span.name ?? '', INGEST_LIMITS.nameLength),
    model: textAttribute(values, INGEST_LIMITS.modelLength, 'gen_ai.response.model', 'gen_ai.request.model'),
    ...((inputTokens !== undefined || outputTokens !== undefined) && { usage: { inputTokens, outputTokens } }),
    input: contentAttribute(values, 'gen_ai.input.messages', 'gen_ai.prompt', 'gen_ai.tool.call.arguments'),
    output: contentAttribute(values, 'gen_ai.output.messages', 'gen_ai.completion', 'gen_ai.tool.call.result'),
    ...(start && { startTime: start }),
    ...(end && (!start || end >= start) && { endTime: end }),
    status: span.status?.code === STATUS_ERROR ? 'error' : 'ok',
    metadata: metadataOf(values, extra),
  };
  for (const key of ['model', 'input', 'output'] as const) if (body[key] === undefined) delete body[key];
  return { body, attributes: values, resource, start };
}

/**
 * The trace's fields from its spans in this request: the root span's name and times, the first span
 * that names each field. Not the model: ingestion gives the trace its earliest model span's, as it
 * does for the SDK's traces.
 */
function traceBody(traceId: string, spans: MappedSpan[]): TraceBody {
  const root = spans.find((span) => span.body.parentSpanId === undefined);
  const ordered = root ? [root, ...spans.filter((span) => span !== root)] : spans;
  const first = (read: (span: MappedSpan) => string | undefined) => ordered.map(read).find((value) => value !== undefined);
  const version = first((span) => textAttribute(span.attributes, 20, 'forprompt.prompt.version'));
  const promptVersion = version !== undefined && /^\d{1,10}$/.test(version) && Number(version) >= 1 && Number(version) <= 1_000_000_000 ? Number(version) : undefined;
  const body: TraceBody = {
    id: traceId,
    promptKey: first((span) => textAttribute(span.attributes, INGEST_LIMITS.promptKeyLength, 'forprompt.prompt.key')),
    promptVersion,
    source: first((span) => textAttribute(span.resource, INGEST_LIMITS.sourceLength, 'deployment.environment.name', 'deployment.environment')),
    userId: first((span) => textAttribute(span.attributes, INGEST_LIMITS.userIdLength, 'user.id') ?? textAttribute(span.resource, INGEST_LIMITS.userIdLength, 'user.id')),
    sessionId: first((span) => textAttribute(span.attributes, INGEST_LIMITS.userIdLength, 'session.id') ?? textAttribute(span.resource, INGEST_LIMITS.userIdLength, 'session.id')),
    metadata: metadataOf(ordered[0]!.resource),
  };
  if (root) {
    Object.assign(body, {
      name: root.body.name,
      ...(root.body.startTime && { startTime: root.body.startTime }),
      ...(root.body.endTime && { endTime: root.body.endTime }),
      status: root.body.status === 'error' ? 'error' : 'completed',
      ...(root.body.input !== undefined && { input: root.body.input }),
      ...(root.body.output !== undefined && { output: root.body.output }),
    });
  }
  for (const key of Object.keys(body) as Array<keyof TraceBody>) if (body[key] === undefined) delete body[key];
  return body;
}

export interface MappedExport {
  events: IngestEvent[];
  /** Spans refused before ingestion (invalid trace or span ids), for the partial success. */
  rejectedSpans: number;
  errorMessage: string;
}

/** The ingest events of one export request: per trace, its `trace-create` first, then its spans. */
export function eventsOfExport(request: ExportTraceRequest, now = new Date()): MappedExport {
  const byTrace = new Map<string, MappedSpan[]>();
  let rejectedSpans = 0;
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributeMap(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        if (!isId(span.traceId, 32) || !isId(span.spanId, 16)) {
          rejectedSpans += 1;
          continue;
        }
        const mapped = mapSpan(span, resource, scopeSpans.scope?.name);
        byTrace.set(mapped.body.traceId, [...(byTrace.get(mapped.body.traceId) ?? []), mapped]);
      }
    }
  }
  const events: IngestEvent[] = [];
  for (const [traceId, spans] of byTrace) {
    const earliest = spans.map((span) => span.start).filter((start) => start !== undefined).sort()[0] ?? now.toISOString();
    // The same spans give the same trace event id: a retried export is a duplicate, a later export of
    // other spans of the trace (the root, say) applies what it adds.
    const spanIds = spans.map((span) => span.body.id).sort().join(',');
    const digest = createHash('sha256').update(spanIds).digest('hex').slice(0, 24);
    events.push({ id: `otel:${traceId}:trace:${digest}`, timestamp: earliest, type: 'trace-create', body: traceBody(traceId, spans) });
    for (const span of spans) events.push({ id: `otel:${traceId}:${span.body.id}`, timestamp: span.start ?? earliest, type: 'span-create', body: span.body });
  }
  return { events, rejectedSpans, errorMessage: rejectedSpans > 0 ? `${rejectedSpans} span(s) without a valid traceId (32 hex digits) or spanId (16 hex digits)` : '' };
}
