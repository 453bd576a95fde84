import { describe, expect, it } from 'vitest';
import { anthropicWire, ollamaWire, openAiWire, fakeLlmForFile } from '../../test/helpers/fake-llm.js';
import { createAiProvider } from './providers.js';
import type { AiProvider, ChatStreamEvent, ProviderSettings } from './types.js';

// The real client packages (openai, @anthropic-ai/sdk, ollama) against a local server speaking each wire protocol.
const fake = await fakeLlmForFile();

const options = { timeoutMs: 5_000, appUrl: 'https://forprompt.example.com' };
const provider = (settings: Partial<ProviderSettings> & Pick<ProviderSettings, 'name'>): AiProvider =>
  createAiProvider({ baseUrl: `${fake.url}/v1`, apiKey: 'sk-test-secret-key', defaultModel: 'default-model', ...settings }, options);

async function collect(events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const seen: ChatStreamEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

const question = { system: 'You are terse.', messages: [{ role: 'user' as const, content: 'Hi?' }] };

describe('OpenAI through the openai package', () => {
  it('sends the key as a Bearer token, the model, the system prompt and messages, and parses text, usage and finish reason', async () => {
    fake.queue('POST /v1/chat/completions', openAiWire.completion('Hello!', { model: 'gpt-answered', usage: [11, 4] }));
    const result = await provider({ name: 'openai' }).chat({ ...question, model: 'gpt-asked', maxTokens: 50, temperature: 0.2 });
    expect(result).toEqual({ text: 'Hello!', model: 'gpt-answered', usage: { inputTokens: 11, outputTokens: 4 }, finishReason: 'stop' });
    const [request] = fake.requestsTo('POST /v1/chat/completions');
    expect(request!.headers.authorization).toBe('Bearer sk-test-secret-key');
    expect(request!.body).toMatchObject({
      model: 'gpt-asked',
      messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Hi?' }],
      max_completion_tokens: 50,
      temperature: 0.2,
    });
    expect(request!.body.stream).toBe(false);
    expect(request!.headers['http-referer']).toBeUndefined();
  });

  it('asks for a JSON object in JSON mode, with the instruction in the system prompt', async () => {
    fake.queue('POST /v1/chat/completions', openAiWire.completion('{"ok":true}'));
    await provider({ name: 'openai' }).chat({ ...question, responseFormat: 'json' });
    const [request] = fake.requestsTo('POST /v1/chat/completions');
    expect(request!.body.model).toBe('default-model');
    expect(request!.body.response_format).toEqual({ type: 'json_object' });
    expect(request!.body.messages[0].content).toMatch(/^You are terse\.\n\nReply with a single JSON object/);
  });

  it('streams SSE chunks as thinking and content events, ending with the usage', async () => {
    fake.queue('POST /v1/chat/completions', openAiWire.stream([{ reasoning: 'Let me think.' }, { content: 'Hel' }, { content: 'lo' }], { usage: [9, 2] }));
    const events = await collect(provider({ name: 'openai' }).chatStream(question));
    expect(events).toEqual([
      { type: 'thinking', text: 'Let me think.' },
      { type: 'content', text: 'Hel' },
      { type: 'content', text: 'lo' },
      { type: 'done', text: 'Hello', model: 'gpt-test', usage: { inputTokens: 9, outputTokens: 2 }, finishReason: 'stop' },
    ]);
    const [request] = fake.requestsTo('POST /v1/chat/completions');
    expect(request!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('lists models from /v1/models, sorted', async () => {
    fake.queue('GET /v1/models', openAiWire.models(['gpt-b', 'gpt-a']));
    expect(await provider({ name: 'openai' }).listModels()).toEqual({ models: [{ id: 'gpt-a' }, { id: 'gpt-b' }], source: 'provider' });
  });

  it('falls back to the usual models, default first, when /v1/models is not there', async () => {
    fake.queue('GET /v1/models', openAiWire.error(404, 'no such endpoint'));
    const listed = await provider({ name: 'openai', defaultModel: 'my-default' }).listModels();
    expect(listed.source).toBe('fallback');
    expect(listed.models[0]).toEqual({ id: 'my-default' });
    expect(listed.models.map((model) => model.id)).toContain('gpt-5.4-mini');
  });

  it('does not hide a refused key behind the fallback list', async () => {
    fake.queue('GET /v1/models', openAiWire.error(401, 'Incorrect API key provided: sk-test-secret-key'));
    await expect(provider({ name: 'openai' }).listModels()).rejects.toMatchObject({ code: 'ai_provider_auth_failed', httpStatus: 502 });
  });

  it('answers a refused key with ai_provider_auth_failed, without the key in the message', async () => {
    fake.queue('POST /v1/chat/completions', openAiWire.error(401, 'Incorrect API key provided: sk-test-secret-key'));
    const error = (await provider({ name: 'openai' }).chat(question).catch((caught: unknown) => caught)) as Error;
    expect(error).toMatchObject({ code: 'ai_provider_auth_failed', httpStatus: 502, details: { provider: 'openai', status: 401 } });
    expect(error.message).not.toContain('sk-test-secret-key');
    expect(fake.requestsTo('POST /v1/chat/completions')).toHaveLength(1);
  });

  it('waits as a 429 asks (Retry-After) and retries', async () => {
    fake.queue('POST /v1/chat/completions', openAiWire.error(429, 'slow down', { 'retry-after': '0.05' }), openAiWire.completion('after the wait'));
    const result = await provider({ name: 'openai' }).chat(question);
    expect(result.text).toBe('after the wait');
    expect(fake.requestsTo('POST /v1/chat/completions')).toHaveLength(2);
  });

  it('answers at once, with the wait asked for, when a 429 asks for longer than the call may take', async () => {
    fake.queue('POST /v1/chat/completions', openAiWire.error(429, 'quota', { 'retry-after': '3600' }));
    const started = Date.now();
    await expect(provider({ name: 'openai' }).chat(question)).rejects.toMatchObject({ code: 'ai_provider_rate_limited', httpStatus: 429, retryAfterSeconds: 3600 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(fake.requestsTo('POST /v1/chat/completions')).toHaveLength(1);
  });

  it('gives up with ai_timeout when no answer comes in time', async () => {
    fake.queue('POST /v1/chat/completions', { hang: true });
    const started = Date.now();
    await expect(provider({ name: 'openai' }).chat({ ...question, timeoutMs: 300 })).rejects.toMatchObject({ code: 'ai_timeout', httpStatus: 504 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops a stream that goes silent for longer than the timeout', async () => {
    fake.queue('POST /v1/chat/completions', { hang: true });
    await expect(collect(provider({ name: 'openai' }).chatStream({ ...question, timeoutMs: 300 }))).rejects.toMatchObject({ code: 'ai_timeout' });
  });

  it('stops when the caller aborts, as ai_cancelled', async () => {
    fake.queue('POST /v1/chat/completions', { hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(provider({ name: 'openai' }).chat({ ...question, signal: controller.signal })).rejects.toMatchObject({ code: 'ai_cancelled' });
  });

  it('reports a server that is not there as ai_provider_unreachable', async () => {
    const nowhere = createAiProvider({ name: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-x', defaultModel: 'm' }, { ...options, timeoutMs: 3_000 });
    await expect(nowhere.chat(question)).rejects.toMatchObject({ code: 'ai_provider_unreachable', httpStatus: 502 });
  });
});

describe('OpenRouter and custom servers through the openai package', () => {
  it('sends OpenRouter its attribution headers, max_tokens and the reasoning budget', async () => {
    fake.queue('POST /v1/chat/completions', openAiWire.completion('routed', { model: 'openai/gpt-5.4-mini' }));
    const result = await provider({ name: 'openrouter' }).chat({ ...question, maxTokens: 40, thinking: { budgetTokens: 2000 } });
    expect(result.model).toBe('openai/gpt-5.4-mini');
    const [request] = fake.requestsTo('POST /v1/chat/completions');
    expect(request!.headers).toMatchObject({ authorization: 'Bearer sk-test-secret-key', 'http-referer': 'https://forprompt.example.com', 'x-title': 'ForPrompt' });
    expect(request!.body).toMatchObject({ max_tokens: 40, reasoning: { max_tokens: 2000 } });
    expect(request!.body.max_completion_tokens).toBeUndefined();
  });

  it('calls a custom server without a key with no Authorization header, its first listed model, and no response_format', async () => {
    fake.queue('GET /v1/models', openAiWire.models(['local-model']));
    fake.queue('POST /v1/chat/completions', openAiWire.completion('{}', { model: 'local-model' }));
    await provider({ name: 'custom', apiKey: null, defaultModel: null }).chat({ ...question, responseFormat: 'json' });
    const [request] = fake.requestsTo('POST /v1/chat/completions');
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.body.model).toBe('local-model');
    expect(request!.body.response_format).toBeUndefined();
    expect(request!.body.messages[0].content).toContain('single JSON object');
  });
});

describe('Anthropic through @anthropic-ai/sdk', () => {
  const anthropic = () => provider({ name: 'anthropic', baseUrl: fake.url });

  // @anthropic-ai/sdk 1.x (API version 2026-10-21) sends the key as a Bearer token, no longer as x-api-key.
  it('sends the key and anthropic-version as the package does, the model, system, messages and max_tokens, and parses the message', async () => {
    fake.queue('POST /v1/messages', anthropicWire.message('Bonjour', { model: 'claude-answered', usage: [20, 5] }));
    const result = await anthropic().chat({ ...question, model: 'claude-asked', maxTokens: 64 });
    expect(result).toEqual({ text: 'Bonjour', model: 'claude-answered', usage: { inputTokens: 20, outputTokens: 5 }, finishReason: 'stop' });
    const [request] = fake.requestsTo('POST /v1/messages');
    expect(request!.headers.authorization).toBe('Bearer sk-test-secret-key');
    expect(request!.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request!.body).toMatchObject({ model: 'claude-asked', system: 'You are terse.', messages: [{ role: 'user', content: 'Hi?' }], max_tokens: 64 });
  });

  it('streams message_start, thinking and text deltas, message_delta and message_stop as events with the usage', async () => {
    fake.queue('POST /v1/messages', anthropicWire.stream({ thinking: ['Hmm, ', 'French.'], text: ['Bon', 'jour'] }, { usage: [20, 9] }));
    const events = await collect(anthropic().chatStream({ ...question, thinking: { budgetTokens: 2048 }, maxTokens: 100 }));
    expect(events).toEqual([
      { type: 'thinking', text: 'Hmm, ' },
      { type: 'thinking', text: 'French.' },
      { type: 'content', text: 'Bon' },
      { type: 'content', text: 'jour' },
      { type: 'done', text: 'Bonjour', model: 'claude-test', usage: { inputTokens: 20, outputTokens: 9 }, finishReason: 'stop' },
    ]);
    const [request] = fake.requestsTo('POST /v1/messages');
    expect(request!.body).toMatchObject({ stream: true, thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 2148 });
  });

  it('lists models from /v1/models with their display names', async () => {
    fake.queue('GET /v1/models', anthropicWire.models(['claude-a', 'claude-b']));
    expect(await anthropic().listModels()).toEqual({ models: [{ id: 'claude-a', name: 'claude a' }, { id: 'claude-b', name: 'claude b' }], source: 'provider' });
  });

  it('retries a 429 after its Retry-After', async () => {
    fake.queue('POST /v1/messages', anthropicWire.error(429, 'rate limited', { 'retry-after': '0.05' }), anthropicWire.message('ok'));
    expect((await anthropic().chat(question)).text).toBe('ok');
    expect(fake.requestsTo('POST /v1/messages')).toHaveLength(2);
  });
});

describe('Ollama through the ollama package', () => {
  const ollama = () => provider({ name: 'ollama', baseUrl: fake.url, apiKey: null, defaultModel: 'llama3.1' });

  it('streams /api/chat NDJSON as thinking and content events, with the counts as usage', async () => {
    fake.queue('POST /api/chat', ollamaWire.chatStream([{ thinking: 'Simple.' }, { content: 'Hi' }, { content: ' there' }], { usage: [30, 7] }));
    const events = await collect(ollama().chatStream({ ...question, thinking: { budgetTokens: 1 }, maxTokens: 20 }));
    expect(events).toEqual([
      { type: 'thinking', text: 'Simple.' },
      { type: 'content', text: 'Hi' },
      { type: 'content', text: ' there' },
      { type: 'done', text: 'Hi there', model: 'llama-test', usage: { inputTokens: 30, outputTokens: 7 }, finishReason: 'stop' },
    ]);
    const [request] = fake.requestsTo('POST /api/chat');
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.body).toMatchObject({
      model: 'llama3.1',
      stream: true,
      think: true,
      options: { num_predict: 20 },
      messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Hi?' }],
    });
  });

  it('asks for JSON with format "json" on a plain chat', async () => {
    fake.queue('POST /api/chat', ollamaWire.chat('{"a":1}'));
    const result = await ollama().chat({ ...question, responseFormat: 'json' });
    expect(result).toMatchObject({ text: '{"a":1}', usage: { inputTokens: 30, outputTokens: 7 }, finishReason: 'stop' });
    expect(fake.requestsTo('POST /api/chat')[0]!.body).toMatchObject({ format: 'json', stream: false });
  });

  it('lists the pulled models from /api/tags', async () => {
    fake.queue('GET /api/tags', ollamaWire.tags(['qwen3:8b', 'llama3.1:latest']));
    expect(await ollama().listModels()).toEqual({ models: [{ id: 'llama3.1:latest' }, { id: 'qwen3:8b' }], source: 'provider' });
  });

  it('says to pull a model the server does not have', async () => {
    fake.queue('POST /api/chat', ollamaWire.error(404, "model 'llama3.1' not found"));
    await expect(ollama().chat(question)).rejects.toMatchObject({ code: 'ai_model_not_found', details: { hint: 'Pull the model on the Ollama server: ollama pull llama3.1' } });
  });

  it('gives up with ai_timeout when the server does not answer in time', async () => {
    fake.queue('POST /api/chat', { hang: true });
    await expect(ollama().chat({ ...question, timeoutMs: 300 })).rejects.toMatchObject({ code: 'ai_timeout' });
  });
});
