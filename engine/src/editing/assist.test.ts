import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openAiWire } from '../../test/helpers/fake-llm.js';
import { startAiWorld } from '../../test/helpers/ai-world.js';

/** The metadata form's AI helpers against scripted OpenAI-wire replies, real PostgreSQL. */
const completions = 'POST /v1/chat/completions';

const world = await startAiWorld();
const { fake, owner } = world;
const withAi = world.withAi.api;
const withoutAi = world.withoutAi.api;
const base = `/api/dashboard/orgs/${world.orgId}/projects/${world.projectId}/ai`;

afterAll(() => world.close());
beforeEach(() => {
  fake.requests.length = 0;
});

describe('the metadata form’s AI helpers', () => {
  it('suggests enhancements with the forprompt.enhance instructions', async () => {
    const suggestions = [{ id: 's1', issue: 'No refund rule', suggestion: 'Say refunds need a human', enhancedText: 'Never promise refunds.', priority: 'high' }];
    fake.queue(completions, openAiWire.completion(JSON.stringify({ suggestions })));
    const response = await withAi.post(`${base}/suggestions`, { prompt: 'You answer order questions.' }, { session: owner });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ suggestions });
    expect(JSON.stringify(fake.requestsTo(completions)[0]!.body.messages)).toContain('You answer order questions.');
  });

  it('enhances one field', async () => {
    fake.queue(completions, openAiWire.completion(JSON.stringify({ enhancedText: 'Answer questions about orders, shipping and returns.' })));
    const response = await withAi.post(`${base}/enhance-field`, { field: 'purpose', value: 'orders' }, { session: owner });
    expect(response.body).toEqual({ enhancedText: 'Answer questions about orders, shipping and returns.' });
  });

  it('extracts metadata, naming the tools field as the form does', async () => {
    const extracted = { purpose: 'Order help', expectedBehavior: 'Polite', inputFormat: '', outputFormat: 'Plain text', constraints: 'No refunds', useCases: 'Tracking', toolsAndCapabilities: 'lookup_order' };
    fake.queue(completions, openAiWire.completion(JSON.stringify(extracted)));
    const response = await withAi.post(`${base}/extract-metadata`, { prompt: 'You answer order questions.' }, { session: owner });
    expect(response.body).toEqual({ purpose: 'Order help', expectedBehavior: 'Polite', inputFormat: '', outputFormat: 'Plain text', constraints: 'No refunds', useCases: 'Tracking', toolsNotes: 'lookup_order' });
  });

  it('generates a prompt from the metadata, repairing an invalid first reply once', async () => {
    fake.queue(completions, openAiWire.completion('Here you go!'), openAiWire.completion(JSON.stringify({ systemPrompt: 'You help with orders.', explanation: 'From the purpose.' })));
    const response = await withAi.post(`${base}/generate-prompt`, { metadata: { purpose: 'Order help', constraints: null } }, { session: owner });
    expect(response.body).toEqual({ systemPrompt: 'You help with orders.', explanation: 'From the purpose.' });
    expect(fake.requestsTo(completions)).toHaveLength(2);
    expect(JSON.stringify(fake.requestsTo(completions)[0]!.body.messages)).toContain('purpose: Order help');
  });

  it('answers 502 ai_invalid_output when the repair is invalid too', async () => {
    fake.queue(completions, openAiWire.completion('nope'), openAiWire.completion('{"enhancedText": 3}'));
    const response = await withAi.post<{ error: { code: string } }>(`${base}/enhance-field`, { field: 'purpose', value: 'orders' }, { session: owner });
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('ai_invalid_output');
  });

  it('answers 409 ai_disabled when no provider is configured', async () => {
    const response = await withoutAi.post<{ error: { code: string } }>(`${base}/extract-metadata`, { prompt: 'Anything' }, { session: owner });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('ai_disabled');
  });
});
