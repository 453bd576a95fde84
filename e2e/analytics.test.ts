import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectApiKey, startDashboardSession, type DashboardSession } from './harness.js';

const promptKey = 'support.reply';
// Version 1: 100, 200 and 300 ms, one failed; version 2: 50 and 150 ms.
const sentTraces = [
  { id: 'a1', version: 1, latencyMs: 100, hoursAgo: 30, status: 'completed' },
  { id: 'a2', version: 1, latencyMs: 200, hoursAgo: 29, status: 'completed' },
  { id: 'a3', version: 1, latencyMs: 300, hoursAgo: 28, status: 'error' },
  { id: 'b1', version: 2, latencyMs: 50, hoursAgo: 3, status: 'completed' },
  { id: 'b2', version: 2, latencyMs: 150, hoursAgo: 2, status: 'completed' },
] as const;

describe('analytics in a browser', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let uncaughtErrors: string[] = [];
  let engineUrl: DashboardSession['engineUrl'];
  let screenshot: DashboardSession['screenshot'];

  beforeAll(async () => {
    session = await startDashboardSession({ screenshotPrefix: 'analytics' });
    ({ page, uncaughtErrors, engineUrl, screenshot } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  /** Sends the traces as an application would: one batch to /api/v1/ingest with a project API key. */
  async function ingestTraces(apiKey: string): Promise<void> {
    const batch = sentTraces.flatMap((trace) => {
      const start = new Date(Date.now() - trace.hoursAgo * 3_600_000);
      const end = new Date(start.getTime() + trace.latencyMs).toISOString();
      const startTime = start.toISOString();
      return [
        { id: `${trace.id}-create`, timestamp: startTime, type: 'trace-create', body: { id: trace.id, promptKey, promptVersion: trace.version, startTime, endTime: end, status: trace.status } },
        {
          id: `${trace.id}-span`,
          timestamp: startTime,
          type: 'span-create',
          body: { id: `${trace.id}-llm`, traceId: trace.id, type: 'llm_call', model: 'gpt-4o-mini', usage: { inputTokens: 100, outputTokens: 50 }, costUsd: 0.000026, startTime, endTime: end, status: trace.status === 'error' ? 'error' : 'ok' },
        },
      ];
    });
    const response = await fetch(engineUrl('/api/v1/ingest'), { method: 'POST', headers: { 'X-API-Key': apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
    expect(response.status).toBe(207);
    const { results } = (await response.json()) as { results: Array<{ status: number }> };
    expect(results.every((result) => result.status === 201)).toBe(true);
  }

  it('says how to send traces while the project has none, and what AI reports need', async () => {
    await page.goto(engineUrl('/analytics'));
    await page.getByText('No traces in this range').waitFor();
    expect(await page.getByText('Send traces with the SDK').count()).toBe(1);
    await page.getByTestId('reports-need-ai').waitFor();
    expect(await page.getByTestId('reports-need-ai').textContent()).toContain('AI_PROVIDER');
    await screenshot('empty', true);
  });

  it('shows the totals, charts per prompt and each version after traces arrive', async () => {
    await ingestTraces(await createProjectApiKey(page, engineUrl()));
    await page.goto(engineUrl('/analytics'));
    await page.getByTestId('analytics-overview').waitFor();
    expect(await page.getByTestId('stat-traces').locator('.stat-value').textContent()).toBe('5');
    expect(await page.getByTestId('stat-spans').locator('.stat-value').textContent()).toBe('5');
    expect(await page.getByTestId('stat-error-rate').locator('.stat-value').textContent()).toBe('20%');
    expect(await page.getByTestId('stat-tokens').locator('.stat-value').textContent()).toBe('750');
    // A few tokens' cost, under a cent, reads with six decimals, and every figure fits its card.
    expect(await page.getByTestId('stat-cost').locator('.stat-value').textContent()).toBe('$0.000130');
    const overflowing = await page.getByTestId('analytics-overview').locator('.stat-value').evaluateAll((values) => values.filter((value) => value.scrollWidth > value.clientWidth).map((value) => value.textContent));
    expect(overflowing).toEqual([]);
    expect(await page.getByTestId('analytics-prompt').inputValue()).toBe(promptKey);

    await page.getByTestId('chart-volume').locator('canvas').waitFor();
    expect(await page.getByTestId('analytics-charts').locator('canvas').count()).toBe(5);
    const version1 = page.getByTestId('version-row-1');
    expect(await version1.locator('td').nth(0).textContent()).toBe('3');
    expect(await version1.locator('td').nth(1).textContent()).toBe('33.33%');
    expect(await version1.locator('td').nth(2).textContent()).toBe('200 ms');
    expect(await page.getByTestId('version-row-2').locator('td').nth(2).textContent()).toBe('100 ms');
    await screenshot('overview', true);
  });

  it('compares the newest version with the one before, and the other way round when asked', async () => {
    const comparison = page.getByTestId('version-comparison');
    await comparison.getByTestId('compare-row-p50LatencyMs').waitFor();
    expect(await page.getByTestId('compare-base').inputValue()).toBe('1');
    expect(await page.getByTestId('compare-candidate').inputValue()).toBe('2');
    const difference = (measure: string) => comparison.getByTestId(`compare-row-${measure}`).locator('td').nth(2);
    expect(await difference('p50LatencyMs').textContent()).toBe('−100 ms');
    expect(await difference('errorRate').textContent()).toBe('−33.33%');
    expect(await difference('errorRate').getAttribute('class')).toContain('delta--better');
    expect(await difference('traces').textContent()).toBe('−1');
    await comparison.scrollIntoViewIfNeeded();
    await screenshot('compare');

    await page.getByTestId('compare-base').selectOption('2');
    await page.getByTestId('compare-candidate').selectOption('1');
    await expect.poll(() => difference('p50LatencyMs').textContent()).toBe('+100 ms');
    expect(await difference('errorRate').getAttribute('class')).toContain('delta--worse');
  });

  it("shows the organization's usage per project", async () => {
    await page.goto(engineUrl('/settings/usage'));
    const total = page.getByTestId('usage-total-row');
    await total.waitFor();
    expect(await total.locator('td').allTextContents()).toEqual(['5', '5', '500', '250', '0']);
    expect(await page.getByTestId('usage-project-Support bot').locator('td').first().textContent()).toBe('5');
    expect(await page.getByTestId('usage-ai-note').textContent()).toContain('AI provider');
    await screenshot('usage', true);
    expect(uncaughtErrors).toEqual([]);
  });

  it("shows the chosen prompt's stored AI reports in place of the explanation", async () => {
    const client = new pg.Client({ connectionString: session!.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ project_id: string; trace_id: string }>(`select project_id, id as trace_id from traces where trace_id = 'b2'`);
      const { project_id: projectId, trace_id: traceId } = rows[0]!;
      const prompt = await client.query<{ id: string }>(`insert into prompts (project_id, key, name) values ($1, $2, 'Reply') returning id`, [projectId, promptKey]);
      const promptId = prompt.rows[0]!.id;
      const version = await client.query<{ id: string }>(`insert into prompt_versions (prompt_id, version, template) values ($1, 2, 'Hi') returning id`, [promptId]);
      await client.query(`insert into conversation_reports (trace_id, project_id, prompt_id, version_number, success_score, outcome, critical_points, issues, summary, model)
        values ($1, $2, $3, 2, 9, 'success', '[]', '[]', 'Answered the question at once.', 'gpt-4o-mini')`, [traceId, projectId, promptId]);
      await client.query(`insert into version_success_reports (version_id, success_rate, average_score, strengths, weaknesses, summary, conversation_count, model)
        values ($1, 90, 8.5, '["short answers"]', '["no follow-up"]', 'Version 2 resolves most questions.', 2, 'gpt-4o-mini')`, [version.rows[0]!.id]);
    } finally {
      await client.end();
    }
    await page.goto(engineUrl('/analytics'));
    await page.getByTestId('stored-reports').waitFor();
    expect(await page.getByTestId('version-report').textContent()).toContain('v2: 90% successful');
    expect(await page.getByTestId('conversation-report').textContent()).toContain('Answered the question at once.');
    expect(await page.getByTestId('reports-need-ai').count()).toBe(0);
    await page.getByTestId('conversation-report').getByRole('link', { name: 'b2' }).click();
    await page.waitForURL(/\/traces\/b2$/);
    expect(uncaughtErrors).toEqual([]);
  });
});
