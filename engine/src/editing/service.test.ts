import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Credentials } from '../../test/access/http-client.js';
import { openAiWire } from '../../test/helpers/fake-llm.js';
import { startAiWorld } from '../../test/helpers/ai-world.js';

/**
 * AI editing end to end: the streamed dashboard route and the original's `/api/edit-prompt/stream`,
 * against a local server speaking OpenAI's streamed protocol with scripted replies, real PostgreSQL.
 */
const completions = 'POST /v1/chat/completions';
const prompt = 'You answer questions about orders.\nBe polite.';

const world = await startAiWorld();
const { provider, fake, owner, orgId, projectId } = world;
const servers = [world.withAi, world.withoutAi];
let apiKeySecret: string;

const editPath = (org = orgId, project = projectId) => `/api/dashboard/orgs/${org}/projects/${project}/ai/edit`;

/** Posts and reads the whole event stream: each `data:` line's JSON (or the raw `[DONE]`). */
async function events(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; contentType: string | null; events: unknown[]; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  const parsed = response.headers.get('content-type')?.startsWith('text/event-stream')
    ? text
        .split('\n\n')
        .filter((block) => block.startsWith('data: '))
        .map((block) => block.slice('data: '.length))
        .map((data) => (data === '[DONE]' ? data : JSON.parse(data)))
    : [];
  return { status: response.status, contentType: response.headers.get('content-type'), events: parsed, text };
}

const sessionHeaders = (credentials: Credentials = owner) => ({ cookie: credentials.cookie, 'x-csrf-token': credentials.csrfToken });
const dashboardEdit = (body: unknown, base = servers[0]!.url, path = editPath()) => events(`${base}${path}`, body, sessionHeaders());
/** A streamed reply whose content is `json`, split in two deltas, after some reasoning. */
const streamed = (json: unknown) => {
  const text = typeof json === 'string' ? json : JSON.stringify(json);
  return openAiWire.stream([{ reasoning: 'Thinking it over. ' }, { content: text.slice(0, 10) }, { content: text.slice(10) }]);
};
const final = (all: unknown[]) => all.at(-1) as Record<string, unknown>;

beforeAll(async () => {
  const key = await world.withAi.api.post<{ secret: string }>(`/api/dashboard/orgs/${orgId}/projects/${projectId}/api-keys`, { name: 'Editor' }, { session: owner });
  expect(key.status).toBe(201);
  apiKeySecret = key.body.secret;
});
afterAll(() => world.close());
beforeEach(() => {
  fake.requests.length = 0;
});

describe('the streamed AI edit of the dashboard', () => {
  it('streams thinking and content, then a global edit with the whole proposed prompt', async () => {
    const edit = { responseType: 'edit', editType: 'global', editedPrompt: 'You answer questions about orders.\nBe polite and brief.', explanation: 'Asked for brevity.' };
    fake.queue(completions, streamed(edit));

    const response = await dashboardEdit({ instruction: 'Make it brief', currentPrompt: prompt });

    expect(response.status, response.text).toBe(200);
    expect(response.contentType).toMatch(/^text\/event-stream/);
    expect(response.events.filter((event) => (event as { type: string }).type === 'thinking')).toEqual([{ type: 'thinking', text: 'Thinking it over. ' }]);
    const content = response.events.filter((event) => (event as { type: string }).type === 'content').map((event) => (event as { text: string }).text);
    expect(content.join('')).toBe(JSON.stringify(edit));
    expect(final(response.events)).toMatchObject({ type: 'reply', reply: edit, proposedPrompt: edit.editedPrompt, repaired: false });
    const sent = fake.requestsTo(completions)[0]!.body;
    expect(sent.stream).toBe(true);
    expect(JSON.stringify(sent.messages)).toContain('Instruction: Make it brief');
    expect(JSON.stringify(sent.messages)).toContain('responseType');
  });

  it('puts a fragment edit in place of the selection', async () => {
    fake.queue(completions, streamed({ responseType: 'edit', editType: 'fragment', editedPrompt: 'Be warm and polite.', explanation: 'Warmer.' }));
    const start = prompt.indexOf('Be polite.');

    const response = await dashboardEdit({ instruction: 'Warmer', currentPrompt: prompt, selection: { text: 'Be polite.', start, end: start + 'Be polite.'.length } });

    expect(final(response.events)).toMatchObject({ type: 'reply', proposedPrompt: 'You answer questions about orders.\nBe warm and polite.' });
    expect(JSON.stringify(fake.requestsTo(completions)[0]!.body.messages)).toContain('<selection>\\nBe polite.\\n</selection>');
  });

  it('returns an interview with its options, and a conversation message, sending the earlier turns along', async () => {
    const interview = { responseType: 'interview', question: 'Which tone?', options: [{ label: 'A', text: 'Formal' }, { label: 'B', text: 'Casual' }] };
    fake.queue(completions, streamed(interview), streamed({ responseType: 'conversation', message: 'Casual it is; tell me when to apply it.' }));

    const asked = await dashboardEdit({ instruction: 'Change the tone', currentPrompt: prompt });
    expect(final(asked.events)).toMatchObject({ type: 'reply', reply: interview, proposedPrompt: null });

    const history = [{ role: 'user', content: 'Change the tone' }, { role: 'assistant', content: JSON.stringify(interview) }];
    const answered = await dashboardEdit({ instruction: 'B: Casual', currentPrompt: prompt, history });
    expect(final(answered.events)).toMatchObject({ type: 'reply', reply: { responseType: 'conversation' } });
    const messages = fake.requestsTo(completions)[1]!.body.messages as Array<{ role: string; content: string }>;
    expect(messages.filter((message) => message.role !== 'system').map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('repairs an invalid final reply once, without streaming the repair', async () => {
    fake.queue(completions, streamed('Sure! Here is my edit.'), openAiWire.completion(JSON.stringify({ responseType: 'conversation', message: 'Fixed.' })));

    const response = await dashboardEdit({ instruction: 'Anything', currentPrompt: prompt });

    expect(final(response.events)).toMatchObject({ type: 'reply', reply: { message: 'Fixed.' }, repaired: true });
    const [first, repair] = fake.requestsTo(completions);
    expect(first!.body.stream).toBe(true);
    expect(repair!.body.stream).toBeFalsy();
    expect(JSON.stringify(repair!.body.messages)).toContain('could not be used');
  });

  it('ends with a clear error event when the repair is invalid too, never a made-up reply', async () => {
    fake.queue(completions, streamed('{"responseType":"edit"}'), openAiWire.completion('still not it'));

    const response = await dashboardEdit({ instruction: 'Anything', currentPrompt: prompt });

    expect(final(response.events)).toMatchObject({ type: 'error', error: { code: 'ai_invalid_output' } });
    expect(response.events.some((event) => (event as { type: string }).type === 'reply')).toBe(false);
  });

  it('ends with an error event when the provider fails mid-request', async () => {
    fake.queue(completions, openAiWire.error(400, 'model not supported'));
    const response = await dashboardEdit({ instruction: 'Anything', currentPrompt: prompt });
    expect(final(response.events)).toMatchObject({ type: 'error', error: { code: expect.stringMatching(/^ai_/) } });
  });

  it('stops the model call when the client goes away', async () => {
    fake.queue(completions, { hang: true });
    const before = (await provider.aiUsage.list(orgId)).length;
    const controller = new AbortController();
    const pending = fetch(`${servers[0]!.url}${editPath()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sessionHeaders() },
      body: JSON.stringify({ instruction: 'Anything', currentPrompt: prompt }),
      signal: controller.signal,
    }).then((response) => response.text());
    await expect.poll(() => fake.requestsTo(completions).length).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    // The usage log, newest first: the call was recorded as cancelled, not left running.
    const newCalls = async () => {
      const calls = await provider.aiUsage.list(orgId);
      return calls.slice(0, calls.length - before).map((call) => [call.feature, call.status]);
    };
    await expect.poll(newCalls).toEqual([['edit', 'cancelled']]);
  });

  it('answers 409 ai_disabled with a hint when no provider is configured', async () => {
    const response = await dashboardEdit({ instruction: 'Anything', currentPrompt: prompt }, servers[1]!.url);
    expect(response.status).toBe(409);
    expect(JSON.parse(response.text).error).toMatchObject({ code: 'ai_disabled', details: { hint: expect.any(String) } });
  });

  it("answers 404 for another organization's project or an organization the user is not in", async () => {
    const otherProject = await dashboardEdit({ instruction: 'Anything', currentPrompt: prompt }, undefined, editPath(orgId, '00000000-0000-4000-8000-000000000000'));
    expect(otherProject.status).toBe(404);
    const otherOrganization = await dashboardEdit({ instruction: 'Anything', currentPrompt: prompt }, undefined, editPath('00000000-0000-4000-8000-000000000000'));
    expect(otherOrganization.status).toBe(404);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("the original's POST /api/edit-prompt/stream", () => {
  const body = { currentPrompt: prompt, instruction: 'Warmer', selection: 'Be polite.', conversationHistory: [] };

  it('streams the original events and [DONE] for a project API key', async () => {
    fake.queue(completions, streamed({ responseType: 'edit', editType: 'fragment', editedPrompt: 'Be kind.', explanation: 'Kinder.' }));

    const response = await events(`${servers[0]!.url}/api/edit-prompt/stream`, body, { 'x-api-key': apiKeySecret });

    expect(response.status, response.text).toBe(200);
    expect(response.events[0]).toEqual({ type: 'thinking', content: 'Thinking it over. ' });
    expect(response.events[1]).toMatchObject({ type: 'content', content: expect.any(String) });
    expect(response.events.at(-2)).toMatchObject({ type: 'response', response: { responseType: 'edit', editedPrompt: 'Be kind.' }, proposedPrompt: 'You answer questions about orders.\nBe kind.' });
    expect(response.events.at(-1)).toBe('[DONE]');
    const usage = await provider.aiUsage.counters(orgId);
    expect(usage).toBeDefined();
  });

  it('accepts a dashboard session', async () => {
    fake.queue(completions, streamed({ responseType: 'conversation', message: 'Hello.' }));
    const response = await events(`${servers[0]!.url}/api/edit-prompt/stream`, body, sessionHeaders());
    expect(response.status, response.text).toBe(200);
    expect(response.events.at(-2)).toMatchObject({ type: 'response', response: { message: 'Hello.' } });
  });

  it('refuses a caller without credentials or with an unknown key, in the original error shape, before calling the model', async () => {
    const anonymous = await events(`${servers[0]!.url}/api/edit-prompt/stream`, body, {});
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text)).toMatchObject({ error: expect.any(String) });
    const unknown = await events(`${servers[0]!.url}/api/edit-prompt/stream`, body, { 'x-api-key': `fp_proj_${'x'.repeat(32)}` });
    expect(unknown.status).toBe(401);
    expect(fake.requests).toHaveLength(0);
  });

  it('answers 409 when AI is off', async () => {
    const response = await events(`${servers[1]!.url}/api/edit-prompt/stream`, body, { 'x-api-key': apiKeySecret });
    expect(response.status).toBe(409);
  });
});
