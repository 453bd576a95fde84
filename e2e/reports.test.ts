import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiWire, startFakeLlm, type FakeLlm, type RecordedRequest } from '../engine/test/helpers/fake-llm.js';
import { createProjectApiKey, createTextPrompt, startDashboardSession, type DashboardSession } from './harness.js';

const promptKey = 'support.reply';
const replies = {
  conversation: { successScore: 8, outcome: 'success', criticalPoints: ['asked for the order number'], issues: [], summary: 'Found the order at once.' },
  batch: { averageScore: 8, commonPatterns: [], frequentIssues: [], recommendations: [], summary: 'Fine.' },
  version: { overallSuccessRate: 85, averageScore: 8, keyInsights: ['quick'], improvementSuggestions: ['greet'], strengthsIdentified: ['precise'], weaknessesIdentified: ['terse'], summary: 'Version 1 resolves orders quickly.' },
};

/** Which report a request asks for, from the JSON Schema the engine appends to the instructions. */
function replyFor(request: RecordedRequest) {
  const instructions = String(request.body.messages[0].content);
  if (instructions.includes('overallSuccessRate')) return replies.version;
  if (instructions.includes('commonPatterns')) return replies.batch;
  return replies.conversation;
}

/** The prompt (through the dashboard API) and three conversations with it (through /api/v1/ingest). */
async function promptWithConversations(page: Page, engineUrl: DashboardSession['engineUrl']): Promise<void> {
  await createTextPrompt(page, engineUrl(), { key: promptKey, name: 'Reply', template: 'You answer questions about orders.' });
  const apiKey = await createProjectApiKey(page, engineUrl());
  const batch = ['c1', 'c2', 'c3'].map((id) => ({
    id: `${id}-create`,
    timestamp: new Date().toISOString(),
    type: 'trace-create',
    body: { id, promptKey, promptVersion: 1, input: { message: 'Where is my order?' }, output: { message: 'It ships today.' }, status: 'completed' },
  }));
  const response = await fetch(engineUrl('/api/v1/ingest'), { method: 'POST', headers: { 'X-API-Key': apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
  expect(response.status).toBe(207);
}

describe('report generation in a browser', () => {
  let session: DashboardSession | undefined;
  let llm: FakeLlm;

  beforeAll(async () => {
    llm = await startFakeLlm();
    llm.on('POST /v1/chat/completions', (request) => openAiWire.completion(JSON.stringify(replyFor(request)), { model: 'gpt-e2e' }));
    session = await startDashboardSession({ screenshotPrefix: 'reports', env: { OPENAI_API_KEY: 'sk-e2e-0123456789', OPENAI_BASE_URL: `${llm.url}/v1` } });
  });
  afterAll(async () => {
    await session?.close();
    await llm?.close();
  });

  it('generates the reports on the engine and shows the run and the new reports', async () => {
    const { page, engineUrl } = session!;
    await promptWithConversations(page, engineUrl);
    await page.goto(engineUrl('/analytics'));
    await page.getByTestId('reports-none-yet').waitFor();
    await page.getByTestId('generate-reports-button').click();
    await page.getByTestId('report-run-result').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('report-run-result').innerText()).toContain('3 of 3 conversations analysed');
    await page.getByTestId('version-report').waitFor();
    expect(await page.getByTestId('version-report').innerText()).toContain('v1: 85% successful');
    expect(await page.getByTestId('conversation-report').count()).toBe(3);
    expect(await page.getByTestId('conversation-report').first().innerText()).toContain('Found the order at once.');
    expect(await page.getByTestId('generate-reports-button').isDisabled()).toBe(false);
    await page.getByTestId('analytics-reports').scrollIntoViewIfNeeded();
    await session!.screenshot('generated');
    expect(session!.uncaughtErrors).toEqual([]);
  });
});
