import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openAiWire, fakeLlmForFile } from '../../test/helpers/fake-llm.js';
import { AiOutputError } from './errors.js';
import { createAiProvider } from './providers.js';
import { extractJson, generateObject } from './structured.js';

const fake = await fakeLlmForFile();

const analysis = z.object({ clarityScore: z.number().int().min(1).max(10), improvements: z.array(z.string()) });
const provider = () => createAiProvider({ name: 'openai', baseUrl: `${fake.url}/v1`, apiKey: 'sk-test', defaultModel: 'gpt-test' }, { timeoutMs: 5_000, appUrl: 'http://localhost' });
const ask = { system: 'Analyse the prompt.', messages: [{ role: 'user' as const, content: 'Prompt: be helpful' }] };
const chatRequests = () => fake.requestsTo('POST /v1/chat/completions');

describe('generateObject', () => {
  it('returns the validated object of a valid reply, asking in JSON mode with the schema described', async () => {
    fake.queue('POST /v1/chat/completions', openAiWire.completion('{"clarityScore": 7, "improvements": ["name the audience"]}', { usage: [40, 10] }));
    const generated = await generateObject(provider(), analysis, ask);
    expect(generated).toEqual({ object: { clarityScore: 7, improvements: ['name the audience'] }, model: 'gpt-test', usage: { inputTokens: 40, outputTokens: 10 }, attempts: 1 });
    const [request] = chatRequests();
    expect(request!.body.response_format).toEqual({ type: 'json_object' });
    expect(request!.body.messages[0].content).toMatch(/^Analyse the prompt\./);
    expect(request!.body.messages[0].content).toContain('"clarityScore"');
  });

  it('reads JSON inside a code fence or between prose', async () => {
    expect(extractJson('```json\n{"a": 1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJson('Here it is: {"a": [1, 2]} — enjoy')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(extractJson('no json here').ok).toBe(false);
  });

  it('repairs malformed JSON once, sending the reply and the problem back', async () => {
    fake.queue('POST /v1/chat/completions', openAiWire.completion('{"clarityScore": 7, "improvements": [', { usage: [40, 10] }), openAiWire.completion('{"clarityScore": 7, "improvements": []}', { usage: [60, 8] }));
    const generated = await generateObject(provider(), analysis, ask);
    expect(generated).toMatchObject({ object: { clarityScore: 7, improvements: [] }, attempts: 2, usage: { inputTokens: 100, outputTokens: 18 } });
    const repair = chatRequests()[1]!.body.messages as Array<{ role: string; content: string }>;
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: '{"clarityScore": 7, "improvements": [' });
    expect(repair.at(-1)!.role).toBe('user');
    expect(repair.at(-1)!.content).toMatch(/not valid JSON/);
  });

  it('repairs a reply of the wrong shape once, naming each invalid field', async () => {
    fake.queue('POST /v1/chat/completions', openAiWire.completion('{"clarityScore": 12}'), openAiWire.completion('{"clarityScore": 9, "improvements": ["x"]}'));
    const generated = await generateObject(provider(), analysis, ask);
    expect(generated.object.clarityScore).toBe(9);
    const feedback = chatRequests()[1]!.body.messages.at(-1).content as string;
    expect(feedback).toMatch(/clarityScore: .*10/);
    expect(feedback).toMatch(/improvements: /);
  });

  it('fails with ai_invalid_output after one repair — never a made-up value', async () => {
    fake.queue('POST /v1/chat/completions', openAiWire.completion('I think it is a 7.'), openAiWire.completion('{"clarityScore": "seven"}'));
    const error = await generateObject(provider(), analysis, ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AiOutputError);
    expect(error).toMatchObject({ httpStatus: 502, code: 'ai_invalid_output', attempts: 2 });
    expect((error as AiOutputError).issues.join(' ')).toMatch(/clarityScore/);
    expect(chatRequests()).toHaveLength(2);
  });
});
