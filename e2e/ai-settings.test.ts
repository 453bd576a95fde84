import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicWire, openAiWire, startFakeLlm, type FakeLlm, type RecordedRequest } from '../engine/test/helpers/fake-llm.js';
import { createTextPrompt, startDashboardSession, type DashboardSession } from './harness.js';

const conversation = JSON.stringify({ responseType: 'conversation', message: 'Which tone do you want?' });
const isAnthropic = (request: RecordedRequest) => request.headers['anthropic-version'] !== undefined;
/** The chats the server received (the pages also list models meanwhile): path and model of each. */
const chats = (llm: FakeLlm) => llm.requests.filter((request) => request.method === 'POST').map((request) => [request.path, request.body.model]);

describe('choosing the AI provider and model of an organization in a browser', () => {
  let session: DashboardSession | undefined;
  let llm: FakeLlm;

  beforeAll(async () => {
    // One local server speaks both wires: the instance has OpenAI and Anthropic, both sent to it.
    llm = await startFakeLlm();
    llm.on('GET /v1/models', (request) => (isAnthropic(request) ? anthropicWire.models(['claude-e2e', 'claude-e2e-large']) : openAiWire.models(['gpt-e2e', 'gpt-e2e-other'])));
    llm.on('POST /v1/messages', (request) => (request.body.stream ? anthropicWire.stream({ text: [conversation] }, { model: request.body.model }) : anthropicWire.message('ok', { model: request.body.model })));
    llm.on('POST /v1/chat/completions', (request) => (request.body.stream ? openAiWire.stream([{ content: conversation }], { model: request.body.model }) : openAiWire.completion('ok', { model: request.body.model })));
    session = await startDashboardSession({
      screenshotPrefix: 'ai-settings',
      env: { AI_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-e2e-0123456789', OPENAI_BASE_URL: `${llm.url}/v1`, ANTHROPIC_API_KEY: 'sk-ant-e2e-0123456789', ANTHROPIC_BASE_URL: llm.url },
    });
  });
  afterAll(async () => {
    await session?.close();
    await llm?.close();
  });

  it('an admin picks Anthropic and a model, saves, tests it, and AI edits then use that model unless the panel picks another', async () => {
    const { page, engineUrl } = session!;
    await page.goto(engineUrl('/settings/ai'));
    await page.getByTestId('ai-provider').filter({ hasText: 'OpenAI' }).waitFor();
    expect(await page.getByTestId('ai-source').innerText()).toContain('instance');
    await page.getByTestId('status-ai').filter({ hasText: /^AI: OpenAI/ }).waitFor();

    await page.getByTestId('ai-setting-provider').selectOption('anthropic');
    await page.locator('[data-testid="ai-setting-models"] option[value="claude-e2e"]').waitFor({ state: 'attached' });
    await page.getByTestId('ai-setting-model').fill('claude-e2e');
    await page.getByTestId('ai-setting-save').click();
    await page.getByTestId('ai-provider').filter({ hasText: 'Anthropic' }).waitFor();
    expect(await page.getByTestId('ai-default-model').innerText()).toBe('claude-e2e');
    // The status bar says what the organization's pages now use.
    await page.getByTestId('status-ai').filter({ hasText: 'AI: Anthropic, claude-e2e' }).waitFor();

    llm.requests.length = 0;
    await page.getByTestId('ai-check-run').click();
    await page.getByTestId('ai-check-ok').waitFor();
    expect(await page.getByTestId('ai-check-ok').innerText()).toContain('claude-e2e');
    expect(chats(llm)).toEqual([['/v1/messages', 'claude-e2e']]);
    await session!.screenshot('tested', true);

    await createTextPrompt(page, engineUrl(), { key: 'support.tone', name: 'Support tone', template: 'You answer questions about orders.' });
    await page.goto(engineUrl('/prompts/support.tone'));
    await page.getByTestId('ai-edit-panel').scrollIntoViewIfNeeded();
    expect(await page.getByTestId('ai-edit-provider').locator('option').first().innerText()).toBe('Organization default (Anthropic)');
    llm.requests.length = 0;
    await page.getByTestId('ai-edit-instruction').fill('Make it friendlier');
    await page.getByTestId('ai-edit-send').click();
    await page.getByTestId('ai-edit-message').first().waitFor();
    expect(chats(llm)).toEqual([['/v1/messages', 'claude-e2e']]);

    // The panel may pick another provider and model for its own calls.
    await page.getByTestId('ai-edit-provider').selectOption('openai');
    await page.locator('[data-testid="ai-edit-model"] option[value="gpt-e2e-other"]').waitFor({ state: 'attached' });
    await page.getByTestId('ai-edit-model').selectOption('gpt-e2e-other');
    llm.requests.length = 0;
    await page.getByTestId('ai-edit-instruction').fill('Warmer, please');
    await page.getByTestId('ai-edit-send').click();
    await page.getByTestId('ai-edit-message').nth(1).waitFor();
    expect(chats(llm)).toEqual([['/v1/chat/completions', 'gpt-e2e-other']]);
    await session!.screenshot('edit-model');
    expect(session!.uncaughtErrors).toEqual([]);
  });
});
