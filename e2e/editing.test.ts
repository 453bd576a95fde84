import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiWire, startFakeLlm, type FakeLlm } from '../engine/test/helpers/fake-llm.js';
import { createTextPrompt, firstProjectApi, startDashboardSession, type DashboardSession } from './harness.js';

const promptKey = 'support.edit';
const original = 'You answer questions about orders for {{company}}.\nBe polite.';
const edited = 'You answer questions about orders for {{company}}.\nBe polite and brief: three sentences at most.';
const interview = { responseType: 'interview', question: 'How short should answers be?', options: [{ label: 'A', text: 'Three sentences at most' }, { label: 'B', text: 'One paragraph' }] };
const edit = { responseType: 'edit', editType: 'global', editedPrompt: edited, explanation: 'Limits the length as chosen.' };

/** A streamed OpenAI reply: some reasoning, then the JSON in two content deltas. */
function streamed(reply: unknown) {
  const text = JSON.stringify(reply);
  return openAiWire.stream([{ reasoning: 'Weighing the options. ' }, { content: text.slice(0, 20) }, { content: text.slice(20) }], { model: 'gpt-e2e' });
}

describe('AI editing in a browser, with an OpenAI-compatible server', () => {
  let session: DashboardSession | undefined;
  let llm: FakeLlm;

  beforeAll(async () => {
    llm = await startFakeLlm();
    llm.queue('POST /v1/chat/completions', streamed(interview), streamed(edit));
    session = await startDashboardSession({ screenshotPrefix: 'ai-edit', env: { OPENAI_API_KEY: 'sk-e2e-0123456789', OPENAI_BASE_URL: `${llm.url}/v1` } });
  });
  afterAll(async () => {
    await session?.close();
    await llm?.close();
  });

  it('asks a question with options, then proposes an edit as a diff that, accepted, becomes a new version', async () => {
    const { page, engineUrl } = session!;
    await createTextPrompt(page, engineUrl(), { key: promptKey, name: 'Support edit', template: original });

    await page.goto(engineUrl(`/prompts/${promptKey}`));
    await page.getByTestId('ai-edit-panel').scrollIntoViewIfNeeded();
    expect(await page.getByTestId('ai-edit-scope').innerText()).toContain('whole prompt');
    await page.getByTestId('ai-edit-instruction').fill('Make the answers shorter');
    await page.getByTestId('ai-edit-send').click();

    await page.getByTestId('ai-edit-interview').waitFor();
    expect(await page.getByTestId('ai-edit-interview').innerText()).toContain('How short should answers be?');
    expect(await page.getByTestId('ai-edit-thinking').first().innerText()).toContain('Thinking');
    await session!.screenshot('interview');
    await page.getByTestId('ai-edit-option').first().click();

    await page.getByTestId('ai-edit-proposal').waitFor();
    expect(await page.getByTestId('ai-edit-proposal').locator('[data-testid="diff-added"]').first().innerText()).toContain('three sentences at most');
    expect(await page.getByTestId('ai-edit-proposal').locator('[data-testid="diff-removed"]').first().innerText()).toContain('Be polite.');
    const [, second] = llm.requestsTo('POST /v1/chat/completions');
    const turns = (second!.body.messages as Array<{ role: string; content: string }>).filter((message) => message.role !== 'system');
    expect(turns.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(turns[2]!.content).toContain('A: Three sentences at most');
    await page.getByTestId('ai-edit-proposal').scrollIntoViewIfNeeded();
    await session!.screenshot('proposal');

    await page.getByTestId('ai-edit-accept').click();
    await page.locator('[data-testid="version-row"][data-version="2"]').waitFor();
    // The chat outlives the editor starting over on the new version.
    await page.getByTestId('ai-edit-accepted').waitFor();
    expect(await page.getByTestId('ai-edit-turn').count()).toBe(2);
    const versions = (await (await page.request.get(`${(await firstProjectApi(page, engineUrl())).projectPath}/prompts/${promptKey}`)).json()) as { versions: Array<{ version: number; template: string; commitMessage: string | null }> };
    expect(versions.versions[0]).toMatchObject({ version: 2, template: edited, commitMessage: 'AI edit: A: Three sentences at most' });
    await page.getByTestId('prompt-editor').scrollIntoViewIfNeeded();
    await session!.screenshot('accepted');
    expect(session!.uncaughtErrors).toEqual([]);
  });

  it('fills the metadata form from the prompt and enhances one field', async () => {
    const { page, engineUrl } = session!;
    const extracted = { purpose: 'Answer order questions', expectedBehavior: 'Polite and brief', inputFormat: '', outputFormat: '', constraints: '', useCases: '', toolsAndCapabilities: '' };
    llm.queue('POST /v1/chat/completions', openAiWire.completion(JSON.stringify(extracted)), openAiWire.completion(JSON.stringify({ enhancedText: 'Answer customers’ questions about their orders.' })));
    await page.goto(engineUrl(`/prompts/${promptKey}?tab=details`));
    await page.getByTestId('extract-metadata').click();
    await page.getByTestId('extract-done').waitFor();
    expect(await page.getByTestId('details-purpose').inputValue()).toBe('Answer order questions');
    expect(await page.getByTestId('details-expectedBehavior').inputValue()).toBe('Polite and brief');
    await page.getByTestId('enhance-purpose').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="details-purpose"]') as HTMLTextAreaElement | null)?.value.startsWith('Answer customers'));
    await page.getByTestId('metadata-assist').scrollIntoViewIfNeeded();
    await session!.screenshot('metadata');
    expect(session!.uncaughtErrors).toEqual([]);
  });
});
