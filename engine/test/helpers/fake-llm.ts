import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach } from 'vitest';

/**
 * A local HTTP server speaking the providers' real wire protocols — OpenAI chat completions (JSON and
 * SSE), Anthropic messages (JSON and SSE events), Ollama /api/chat (NDJSON) and the model lists — with
 * scripted replies, for tests that run the real client packages against it. Every request is recorded.
 */
export interface RecordedRequest {
  method: string;
  /** The path and query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined without one); tests read the provider's fields from it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export type FakeReply =
  | { status?: number; headers?: Record<string, string>; json: unknown }
  /** Server-sent events; `done` appends OpenAI's `data: [DONE]`. */
  | { status?: number; headers?: Record<string, string>; sse: Array<{ event?: string; data: unknown }>; done?: boolean }
  | { status?: number; headers?: Record<string, string>; ndjson: unknown[] }
  /** Never answers (until the server closes): for timeouts. */
  | { hang: true };

type ReplyFor = FakeReply | ((request: RecordedRequest) => FakeReply);

export interface FakeLlm {
  url: string;
  requests: RecordedRequest[];
  /** The reply to every request to `route` ("POST /v1/chat/completions") not taken by a queued one. */
  on(route: string, reply: ReplyFor): void;
  /** Replies used once each, in order, before `on`'s. */
  queue(route: string, ...replies: FakeReply[]): void;
  /** Requests to one route. */
  requestsTo(route: string): RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const requests: RecordedRequest[] = [];
  const standing = new Map<string, ReplyFor>();
  const queued = new Map<string, FakeReply[]>();
  const routeOf = (method: string, path: string) => `${method} ${path.split('?')[0]}`;

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const request: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
    requests.push(request);
    const route = routeOf(request.method, request.path);
    const next = queued.get(route)?.shift() ?? standing.get(route);
    const reply = typeof next === 'function' ? next(request) : (next ?? { status: 404, json: { error: { message: `no reply scripted for ${route}`, type: 'not_found' } } });
    send(res, reply);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    on: (route, reply) => void standing.set(route, reply),
    queue: (route, ...replies) => void queued.set(route, [...(queued.get(route) ?? []), ...replies]),
    requestsTo: (route) => requests.filter((request) => routeOf(request.method, request.path) === route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A server for a whole test file: its requests forgotten before each test, closed after the last. */
export async function fakeLlmForFile(): Promise<FakeLlm> {
  const fake = await startFakeLlm();
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
  });
  return fake;
}

function send(res: http.ServerResponse, reply: FakeReply): void {
  if ('hang' in reply) return;
  const headers = reply.headers ?? {};
  if ('json' in reply) {
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(reply.json));
  } else if ('sse' in reply) {
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
    for (const event of reply.sse) res.write(`${event.event ? `event: ${event.event}\n` : ''}data: ${JSON.stringify(event.data)}\n\n`);
    if (reply.done) res.write('data: [DONE]\n\n');
    res.end();
  } else {
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/x-ndjson', ...headers });
    for (const line of reply.ndjson) res.write(`${JSON.stringify(line)}\n`);
    res.end();
  }
}

interface Totals {
  model?: string;
  /** [input, output] tokens. */
  usage?: [number, number];
}

/** OpenAI chat completions (also OpenRouter and compatible servers). */
export const openAiWire = {
  completion(text: string, { model = 'gpt-test', usage = [12, 3], finishReason = 'stop' }: Totals & { finishReason?: string } = {}): FakeReply {
    return {
      json: {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1_700_000_000,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason }],
        usage: { prompt_tokens: usage[0], completion_tokens: usage[1], total_tokens: usage[0] + usage[1] },
      },
    };
  },
  /** Chunks of reasoning and/or content, then the finish chunk and the usage chunk (stream_options.include_usage). */
  stream(deltas: Array<{ content?: string; reasoning?: string }>, { model = 'gpt-test', usage = [12, 3] }: Totals = {}): FakeReply {
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ data: { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices, ...extra } });
    return {
      sse: [
        chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
        ...deltas.map((delta) => chunk([{ index: 0, delta, finish_reason: null }])),
        chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
        chunk([], { usage: { prompt_tokens: usage[0], completion_tokens: usage[1], total_tokens: usage[0] + usage[1] } }),
      ],
      done: true,
    };
  },
  models(ids: string[]): FakeReply {
    return { json: { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'test' })) } };
  },
  error(status: number, message: string, headers: Record<string, string> = {}): FakeReply {
    return { status, headers, json: { error: { message, type: 'invalid_request_error', code: null } } };
  },
};

/** Anthropic messages. */
export const anthropicWire = {
  message(text: string, { model = 'claude-test', usage = [20, 5], stopReason = 'end_turn' }: Totals & { stopReason?: string } = {}): FakeReply {
    return {
      json: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text }],
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { input_tokens: usage[0], output_tokens: usage[1] },
      },
    };
  },
  /** message_start, an optional thinking block, a text block, message_delta (stop reason, usage), message_stop. */
  stream({ thinking = [], text }: { thinking?: string[]; text: string[] }, { model = 'claude-test', usage = [20, 5] }: Totals = {}): FakeReply {
    const events: Array<{ event: string; data: unknown }> = [
      { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage[0], output_tokens: 1 } } } },
    ];
    let index = 0;
    if (thinking.length > 0) {
      events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } } });
      for (const part of thinking) events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: part } } });
      events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'sig' } } });
      events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
      index++;
    }
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } });
    for (const part of text) events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: part } } });
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
    events.push({ event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage[1] } } });
    events.push({ event: 'message_stop', data: { type: 'message_stop' } });
    return { sse: events };
  },
  models(ids: string[]): FakeReply {
    const data = ids.map((id) => ({ type: 'model', id, display_name: id.replace(/-/g, ' '), created_at: '2026-01-01T00:00:00Z' }));
    return { json: { data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null } };
  },
  error(status: number, message: string, headers: Record<string, string> = {}): FakeReply {
    return { status, headers, json: { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'invalid_request_error', message } } };
  },
};

/** Ollama's native API. */
export const ollamaWire = {
  chat(text: string, { model = 'llama-test', usage = [30, 7] }: Totals = {}): FakeReply {
    return { json: { model, created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content: text }, done: true, done_reason: 'stop', prompt_eval_count: usage[0], eval_count: usage[1] } };
  },
  /** One line per part, then the final line with the counts. */
  chatStream(parts: Array<{ content?: string; thinking?: string }>, { model = 'llama-test', usage = [30, 7] }: Totals = {}): FakeReply {
    const line = (message: Record<string, unknown>, done: boolean, extra: Record<string, unknown> = {}) => ({ model, created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content: '', ...message }, done, ...extra });
    return {
      ndjson: [...parts.map((part) => line(part, false)), line({}, true, { done_reason: 'stop', prompt_eval_count: usage[0], eval_count: usage[1], total_duration: 1_000_000 })],
    };
  },
  tags(names: string[]): FakeReply {
    return { json: { models: names.map((name) => ({ name, model: name, modified_at: '2026-01-01T00:00:00Z', size: 1, digest: 'sha256:0', details: { family: 'llama' } })) } };
  },
  error(status: number, message: string): FakeReply {
    return { status, json: { error: message } };
  },
};
