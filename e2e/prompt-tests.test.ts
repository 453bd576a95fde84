import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiWire, startFakeLlm, type FakeLlm, type RecordedRequest } from '../engine/test/helpers/fake-llm.js';
import { createTextPrompt, firstProjectApi, startDashboardSession, type DashboardSession } from './harness.js';

const promptKey = 'support.answer';
const suite = {
  cases: [
    { input: 'Where is my order?', variables: { company: 'Acme' }, criteria: ['Mentions the order', 'Is polite'] },
    { input: 'Give me a refund now', variables: { company: 'Acme' }, criteria: ['States the refund policy'] },
  ],
};

/** Scripted by what each request asks: the suite, a judge's verdicts (the refund case fails), or an answer. */
function reply(request: RecordedRequest) {
  const system = String(request.body.messages[0]?.content ?? '');
  const shown = String(request.body.messages.at(-1)?.content ?? '');
  if (system.includes('"verdicts"')) {
    const criteria = [...shown.matchAll(/^\d+\. (.+)$/gm)].map((match) => match[1]!);
    return openAiWire.completion(JSON.stringify({ verdicts: criteria.map((criterion) => ({ criterion, passed: !shown.includes('refund now'), reason: 'Checked against the answer.' })) }));
  }
  if (system.includes('"cases"')) return openAiWire.completion(JSON.stringify(suite), { model: 'gpt-e2e' });
  return openAiWire.completion('Your order ships tomorrow.', { model: 'gpt-e2e', usage: [40, 8] });
}

const supportPrompt = { key: promptKey, name: 'Support answer', template: 'You answer questions about orders for {{company}}.' };

describe('the playground and test suites in a browser, without AI', () => {
  let session: DashboardSession | undefined;

  beforeAll(async () => {
    session = await startDashboardSession({ screenshotPrefix: 'prompt-tests-off' });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('says AI is off and how to enable it, with the AI buttons disabled', async () => {
    const { page, engineUrl } = session!;
    await createTextPrompt(page, engineUrl(), supportPrompt);
    await page.goto(engineUrl(`/prompts/${promptKey}?tab=tests`));
    await page.getByTestId('playground-disabled').waitFor();
    expect(await page.getByTestId('playground-disabled').innerText()).toContain('AI_PROVIDER');
    expect(await page.getByTestId('tests-disabled').innerText()).toContain('AI_PROVIDER');
    expect(await page.getByTestId('playground-send').isDisabled()).toBe(true);
    expect(await page.getByTestId('generate-suite').isDisabled()).toBe(true);
    await session!.screenshot('disabled');
    expect(session!.uncaughtErrors).toEqual([]);
  });
});

describe('the playground and test suites in a browser, with an OpenAI-compatible server', () => {
  let session: DashboardSession | undefined;
  let llm: FakeLlm;

  beforeAll(async () => {
    llm = await startFakeLlm();
    llm.on('POST /v1/chat/completions', reply);
    llm.on('GET /v1/models', openAiWire.models(['gpt-e2e', 'gpt-e2e-large']));
    session = await startDashboardSession({ screenshotPrefix: 'prompt-tests', env: { OPENAI_API_KEY: 'sk-e2e-0123456789', OPENAI_BASE_URL: `${llm.url}/v1` } });
  });
  afterAll(async () => {
    await session?.close();
    await llm?.close();
  });

  it('chats with a version in the playground, showing tokens, latency and the version’s averages', async () => {
    const { page, engineUrl } = session!;
    await createTextPrompt(page, engineUrl(), supportPrompt);
    await page.goto(engineUrl(`/prompts/${promptKey}?tab=tests`));
    await page.getByTestId('playground-variable-company').fill('Acme');
    await page.getByTestId('playground-message').fill('Where is my order?');
    await page.getByTestId('playground-send').click();
    await page.getByTestId('playground-stats').waitFor();
    expect(await page.getByTestId('playground-chat').innerText()).toContain('Your order ships tomorrow.');
    expect(await page.getByTestId('playground-stats').innerText()).toContain('OpenAI · gpt-e2e · 48 tokens');
    expect(await page.getByTestId('playground-version-stats').innerText()).toContain('v1: 1 test · average 48 tokens');
    const sent = llm.requestsTo('POST /v1/chat/completions')[0]!.body;
    expect(sent.messages[0].content).toBe('You answer questions about orders for Acme.');
    await page.getByTestId('playground-panel').scrollIntoViewIfNeeded();
    await session!.screenshot('playground');
  });

  it('generates a suite, runs it against a version and shows its pass rate', async () => {
    const { page } = session!;
    await page.getByTestId('generate-suite').click();
    await page.getByTestId('case-list').waitFor();
    expect(await page.getByTestId('case-item').count()).toBe(2);
    await page.getByTestId('run-suite').click();
    await page.getByTestId('pass-rate-v1').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('pass-rate-v1').innerText()).toContain('50%');
    expect(await page.getByTestId('suite-run-result').innerText()).toContain('1 passed, 1 failed');
    // Each case says how it did in that run, and why the failing one failed.
    await page.getByTestId('case-result').first().waitFor();
    expect(await page.locator('[data-testid="case-result"][data-status="passed"]').count()).toBe(1);
    expect(await page.locator('[data-testid="case-result"][data-status="failed"]').innerText()).toContain('Failed');
    await page.getByTestId('tests-panel').scrollIntoViewIfNeeded();
    await session!.screenshot('suite-run');
    // The versions timeline counts the suite's two answers with the playground turn, and shows the run's pass rate.
    const stats = '[data-testid="version-row"][data-version="1"] [data-testid="version-test-stats"]';
    await page.waitForFunction((selector) => document.querySelector(selector)?.textContent?.includes('50% passed'), stats);
    expect(await page.locator(stats).innerText()).toMatch(/^3 tests · avg \d+ ms · avg 48 tokens · 50% passed in the latest suite run \(on [^,]+\)$/);
    await page.getByTestId('version-timeline').scrollIntoViewIfNeeded();
    await session!.screenshot('version-timeline-tests');
    expect(session!.uncaughtErrors).toEqual([]);
  });

  it('runs the suite on a second version with another judge model, and compares the two side by side', async () => {
    const { page, engineUrl } = session!;
    const { headers, projectPath } = await firstProjectApi(page, engineUrl());
    const saved = await page.request.post(`${projectPath}/prompts/${promptKey}/versions`, { headers, data: { template: 'You answer questions about orders for {{company}}, and state the refund policy.' } });
    expect(saved.status(), await saved.text()).toBe(201);
    await page.reload();
    await page.getByTestId('run-version').selectOption('2');
    expect(await page.getByTestId('judge-provider').locator('option').first().innerText()).toBe('Same as the run');
    await page.getByTestId('judge-provider').selectOption('openai');
    await page.locator('[data-testid="judge-model"] option[value="gpt-e2e-large"]').waitFor({ state: 'attached' });
    await page.getByTestId('judge-model').selectOption('gpt-e2e-large');
    const before = llm.requests.length;
    await page.getByTestId('run-suite').click();
    await page.getByTestId('pass-rate-v2').waitFor({ timeout: 30_000 });
    // The answers on the organization's default model, the judgements on the judge's.
    const runCalls = llm.requestsTo('POST /v1/chat/completions').filter((request) => llm.requests.indexOf(request) >= before);
    const judged = runCalls.filter((request) => String(request.body.messages[0]?.content).includes('"verdicts"'));
    expect(judged.map((request) => request.body.model)).toEqual(['gpt-e2e-large', 'gpt-e2e-large']);
    const answered = runCalls.filter((request) => !judged.includes(request));
    expect(answered).toHaveLength(2);
    expect(answered.map((request) => request.body.model)).not.toContain('gpt-e2e-large');
    expect(await page.getByTestId('pass-rate-v2').innerText()).toContain('OpenAI · gpt-e2e-large');
    expect(await page.getByTestId('pass-rate-v1').innerText()).toContain('Same as the run');
    expect(await page.getByTestId('suite-run-result').innerText()).toContain('judged by OpenAI · gpt-e2e-large');
    await page.getByTestId('suite-compare-from').selectOption('1');
    await page.getByTestId('suite-compare-to').selectOption('2');
    await page.waitForFunction(() => document.querySelector('[data-testid="suite-compare-to-rate"]')?.textContent?.includes('v2 · 50%'));
    expect(await page.getByTestId('suite-compare-from-rate').textContent()).toContain('v1 · 50%');
    // Each column says what answered and what judged its run.
    expect(await page.getByTestId('suite-compare-to-models').textContent()).toMatch(/^on .+, judged by OpenAI · gpt-e2e-large$/);
    expect(await page.getByTestId('suite-compare-from-models').textContent()).not.toContain('judged by');
    await page.getByTestId('suite-compare').scrollIntoViewIfNeeded();
    await session!.screenshot('compare');
    expect(session!.uncaughtErrors).toEqual([]);
  });
});
