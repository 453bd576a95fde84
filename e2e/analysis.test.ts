import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiWire, startFakeLlm, type FakeLlm } from '../engine/test/helpers/fake-llm.js';
import { createTextPrompt, firstProjectApi, startDashboardSession, type DashboardSession } from './harness.js';

const promptKey = 'support.answer';
const analysis = {
  clarityScore: 6,
  overallAssessment: 'Clear about the tone, silent about refunds and missing order numbers.',
  improvements: ['Say what to do when the order number is missing.', 'Forbid promising refunds.'],
  edgeCases: ['A customer writing in another language.'],
  optimizations: ['Merge the two greeting rules.'],
};

const supportPrompt = { key: promptKey, name: 'Support answer', template: 'You answer questions about orders for {{company}}.' };

describe('prompt analysis in a browser, without AI', () => {
  let session: DashboardSession | undefined;

  beforeAll(async () => {
    session = await startDashboardSession({ screenshotPrefix: 'analysis-off' });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('shows the Analyze button disabled, saying AI is off and how to enable it', async () => {
    const { page, engineUrl } = session!;
    await createTextPrompt(page, engineUrl(), supportPrompt);
    await page.goto(engineUrl(`/prompts/${promptKey}`));
    await page.getByTestId('analysis-disabled').waitFor();
    expect(await page.getByTestId('analysis-disabled').innerText()).toContain('AI_PROVIDER');
    expect(await page.getByTestId('analyze-version').isDisabled()).toBe(true);
    expect(await page.getByTestId('ai-edit-disabled').innerText()).toContain('AI_PROVIDER');
    expect(await page.getByTestId('ai-edit-send').isDisabled()).toBe(true);
    await page.getByTestId('analysis-panel').scrollIntoViewIfNeeded();
    await session!.screenshot('disabled');
    expect(session!.uncaughtErrors).toEqual([]);
  });
});

describe('prompt analysis in a browser, with an OpenAI-compatible server', () => {
  let session: DashboardSession | undefined;
  let llm: FakeLlm;

  beforeAll(async () => {
    llm = await startFakeLlm();
    llm.on('POST /v1/chat/completions', openAiWire.completion(JSON.stringify(analysis), { model: 'gpt-e2e' }));
    session = await startDashboardSession({ screenshotPrefix: 'analysis', env: { OPENAI_API_KEY: 'sk-e2e-0123456789', OPENAI_BASE_URL: `${llm.url}/v1` } });
  });
  afterAll(async () => {
    await session?.close();
    await llm?.close();
  });

  it('analyzes a version and shows its score, assessment and lists, also after a reload', async () => {
    const { page, engineUrl } = session!;
    await createTextPrompt(page, engineUrl(), supportPrompt);
    await page.goto(engineUrl(`/prompts/${promptKey}`));
    await page.getByTestId('analysis-empty').waitFor();
    await page.getByTestId('analyze-version').click();
    await page.getByTestId('analysis-result').waitFor();

    expect(await page.getByTestId('analysis-score').innerText()).toBe('6/10');
    expect(await page.getByTestId('analysis-assessment').innerText()).toBe(analysis.overallAssessment);
    expect(await page.getByTestId('analysis-improvements').innerText()).toContain(analysis.improvements[1]);
    expect(await page.getByTestId('analysis-edge-cases').innerText()).toContain(analysis.edgeCases[0]);
    expect(JSON.stringify(llm.requestsTo('POST /v1/chat/completions')[0]!.body.messages)).toContain('You answer questions about orders');

    await page.getByTestId('fix-in-editor').first().click();
    expect(await page.getByTestId('fix-in-editor').first().getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('analysis-fix-note').innerText()).toContain('Handed to Edit with AI');
    expect(await page.getByTestId('ai-edit-instruction').inputValue()).toContain(analysis.improvements[0]);
    await page.getByTestId('analysis-panel').scrollIntoViewIfNeeded();
    await session!.screenshot('result');

    await page.reload();
    await page.getByTestId('analysis-result').waitFor();
    expect(await page.getByTestId('analysis-score').innerText()).toBe('6/10');
    expect(session!.uncaughtErrors).toEqual([]);
  });

  it("follows the organization's own analysis instructions once customized in Settings › AI instructions", async () => {
    const { page, engineUrl } = session!;
    await page.goto(engineUrl('/settings/ai-instructions'));
    const row = page.locator('[data-testid="ai-instructions-row"][data-task="forprompt.analyze"]');
    await row.waitFor();
    // The built-in instructions, seeded into the system project when the engine started.
    expect(await row.getByTestId('ai-instructions-source').innerText()).toBe('Built-in · v1');
    await session!.screenshot('instructions');

    await row.getByTestId('ai-instructions-customize').click();
    await page.waitForURL(/\/prompts\/forprompt\.analyze$/);
    await page.getByText('You are an expert prompt engineer reviewing a system prompt').first().waitFor();

    // A new version of the organization's prompt, deployed to production (as the editor would save it).
    const { headers, projectPath } = await firstProjectApi(page, engineUrl());
    const orgPath = projectPath.slice(0, projectPath.indexOf('/projects/'));
    const projects = (await (await page.request.get(`${orgPath}/projects`)).json()) as { projects: Array<{ id: string; slug: string }> };
    const own = projects.projects.find((project) => project.slug === 'forprompt')!;
    const saved = await page.request.post(`${orgPath}/projects/${own.id}/prompts/forprompt.analyze/versions`, {
      headers,
      data: { template: 'Review prompts for a pharmacy: flag anything about dosages.', labels: ['production'] },
    });
    expect(saved.status()).toBe(201);

    await page.goto(engineUrl('/settings/ai-instructions'));
    await row.waitFor();
    expect(await row.getByTestId('ai-instructions-source').innerText()).toBe('Your own · v2');

    // The analysis of another prompt (in the organization's first project) now follows them.
    const support = projects.projects.find((project) => project.slug !== 'forprompt')!;
    await page.evaluate(({ organizationId, projectId }) => window.localStorage.setItem(`forprompt.project.${organizationId}`, projectId), {
      organizationId: orgPath.split('/orgs/')[1]!,
      projectId: support.id,
    });
    const before = llm.requestsTo('POST /v1/chat/completions').length;
    await page.goto(engineUrl(`/prompts/${promptKey}`));
    await page.getByTestId('analyze-version').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="analysis-score"]').length > 0);
    await expect.poll(() => llm.requestsTo('POST /v1/chat/completions').length).toBe(before + 1);
    expect(JSON.stringify(llm.requestsTo('POST /v1/chat/completions')[before]!.body.messages)).toContain('flag anything about dosages');
    expect(session!.uncaughtErrors).toEqual([]);
  });
});
