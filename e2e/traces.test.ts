import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectApiKey, startDashboardSession, type DashboardSession } from './harness.js';

describe('trace explorer in a browser', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let uncaughtErrors: string[] = [];
  let engineUrl: DashboardSession['engineUrl'];
  let screenshot: DashboardSession['screenshot'];

  beforeAll(async () => {
    session = await startDashboardSession({ screenshotPrefix: 'traces' });
    ({ page, uncaughtErrors, engineUrl, screenshot } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  /** Three conversations as an application sends them: a trace, a user message, an LLM call with a tool call under it. */
  async function ingestConversations(apiKey: string): Promise<void> {
    const at = (minutesAgo: number, plusMs = 0) => new Date(Date.now() - minutesAgo * 60_000 + plusMs).toISOString();
    const conversations = [
      { id: 'refund-chat', question: 'Can I get a refund for order 42?', answer: 'Yes, your refund is on its way.', model: 'gpt-4o-mini', minutesAgo: 30, failed: false },
      { id: 'parcel-chat', question: 'Where is my parcel?', answer: 'It arrives tomorrow.', model: 'claude-sonnet', minutesAgo: 20, failed: false },
      { id: 'broken-chat', question: 'Reset my password', answer: 'Something went wrong.', model: 'gpt-4o-mini', minutesAgo: 10, failed: true },
    ];
    const batch = conversations.flatMap((chat) => [
      { id: `${chat.id}-t`, timestamp: at(chat.minutesAgo), type: 'trace-create', body: { id: chat.id, name: `Support: ${chat.id}`, promptKey: 'support.reply', promptVersion: 2, model: chat.model, userId: 'user-7', tags: ['beta'], metadata: { plan: 'pro' }, startTime: at(chat.minutesAgo), endTime: at(chat.minutesAgo, 1800) } },
      { id: `${chat.id}-u`, timestamp: at(chat.minutesAgo), type: 'span-create', body: { id: `${chat.id}-user`, traceId: chat.id, type: 'message', role: 'user', input: chat.question, startTime: at(chat.minutesAgo), endTime: at(chat.minutesAgo, 10) } },
      {
        id: `${chat.id}-l`,
        timestamp: at(chat.minutesAgo),
        type: 'span-create',
        body: { id: `${chat.id}-llm`, traceId: chat.id, type: 'llm_call', name: 'answer', role: 'assistant', model: chat.model, output: chat.answer, usage: { inputTokens: 120, outputTokens: 40 }, costUsd: 0.002, status: chat.failed ? 'error' : 'ok', startTime: at(chat.minutesAgo, 100), endTime: at(chat.minutesAgo, 1700) },
      },
      { id: `${chat.id}-k`, timestamp: at(chat.minutesAgo), type: 'span-create', body: { id: `${chat.id}-tool`, traceId: chat.id, parentSpanId: `${chat.id}-llm`, type: 'tool_call', name: 'lookup_order', input: { order: 42 }, output: { found: true }, startTime: at(chat.minutesAgo, 400), endTime: at(chat.minutesAgo, 900) } },
    ]);
    const response = await fetch(engineUrl('/api/v1/ingest'), { method: 'POST', headers: { 'X-API-Key': apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
    expect(response.status).toBe(207);
    const { results } = (await response.json()) as { results: Array<{ status: number }> };
    expect(results.every((result) => result.status === 201)).toBe(true);
  }

  it('explains how to send traces while the project has none', async () => {
    await page.goto(engineUrl('/traces'));
    await page.getByText('No traces yet').waitFor();
    expect(await page.getByTestId('traces-sdk-snippet').textContent()).toContain('@forprompt/sdk');
    await screenshot('empty', true);
  });

  it('lists the traces newest first, and filters them by status and by words in the content (kept in the URL)', async () => {
    await ingestConversations(await createProjectApiKey(page, engineUrl()));
    await page.goto(engineUrl('/traces'));
    await page.getByTestId('traces-table').waitFor();
    expect(await page.getByTestId('trace-row').locator('td:first-child .trace-id').allTextContents()).toEqual(['broken-chat', 'parcel-chat', 'refund-chat']);
    await screenshot('list', true);

    await page.getByTestId('trace-filter-status').selectOption('error');
    await expect.poll(() => page.getByTestId('trace-row').count()).toBe(1);
    expect(page.url()).toContain('status=error');
    await page.getByTestId('trace-filter-status').selectOption('');
    await page.getByTestId('trace-filter-search').fill('parcel');
    await page.getByTestId('trace-filter-apply').click();
    await expect.poll(() => page.getByTestId('trace-row').locator('.trace-id').allTextContents()).toEqual(['parcel-chat']);
    expect(page.url()).toContain('search=parcel');

    await page.goto(engineUrl('/traces?model=nothing-like-this'));
    await page.getByTestId('traces-no-match').waitFor();
  });

  it('opens a trace: totals, the span tree on a timeline, the conversation and the metadata', async () => {
    await page.goto(engineUrl('/traces'));
    await page.getByRole('link', { name: /refund-chat/ }).click();
    await page.getByTestId('span-waterfall').waitFor();
    expect(await page.getByTestId('trace-fact-tokens').textContent()).toBe('160 (120 in / 40 out)');
    expect(await page.getByTestId('trace-fact-cost').textContent()).toBe('$0.002000');
    expect(await page.getByTestId('span-row').locator('.waterfall-name').allTextContents()).toEqual(['user', 'answer', 'lookup_order']);
    const toolLabel = page.getByTestId('span-row').nth(2).locator('.waterfall-label');
    expect(await toolLabel.evaluate((element) => getComputedStyle(element).paddingLeft)).toBe('16px');
    const messages = page.getByTestId('chat-message');
    expect(await messages.locator('.chat-text').allTextContents()).toEqual(['Can I get a refund for order 42?', 'Yes, your refund is on its way.']);
    expect(await page.getByTestId('trace-metadata-json').textContent()).toContain('"plan": "pro"');
    await screenshot('detail', true);

    // A span's own details: selected on the timeline (by click or keyboard).
    await page.getByTestId('span-row').nth(2).click();
    const detail = page.getByTestId('span-detail');
    expect(await detail.getByTestId('span-fact-type').textContent()).toBe('tool call');
    expect(await detail.getByTestId('span-fact-duration').textContent()).toBe('500 ms');
    expect(JSON.parse((await detail.getByTestId('span-input').textContent())!)).toEqual({ order: 42 });
    expect(JSON.parse((await detail.getByTestId('span-output').textContent())!)).toEqual({ found: true });
    await page.getByTestId('span-row').nth(1).focus();
    await page.keyboard.press('Enter');
    expect(await detail.getByTestId('span-fact-model').textContent()).toBe('gpt-4o-mini');
    expect(await page.getByTestId('span-row').nth(1).getAttribute('aria-pressed')).toBe('true');
    await screenshot('span', true);
  });

  it('deletes a trace after confirming, then clears the logs once the slug is typed', async () => {
    await page.getByTestId('delete-trace').click();
    await page.getByRole('button', { name: 'Delete trace' }).last().click();
    await page.waitForURL(/\/traces$/);
    await expect.poll(() => page.getByTestId('trace-row').locator('.trace-id').allTextContents()).toEqual(['broken-chat', 'parcel-chat']);

    await page.getByTestId('clear-traces').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').fill('support-bot');
    await screenshot('clear-confirm');
    await dialog.getByRole('button', { name: 'Clear logs' }).click();
    await page.getByText('No traces yet').waitFor();
    expect(uncaughtErrors).toEqual([]);
  });

  it('lets the owner keep traces 30 days and price a model in Settings › Projects', async () => {
    await page.goto(engineUrl('/settings/projects'));
    await page.getByTestId('retention-days').fill('30');
    await page.getByTestId('retention-save').click();
    await page.getByText('Traces are kept 30 days').waitFor();
    await page.reload();
    await expect.poll(() => page.getByTestId('retention-days').inputValue()).toBe('30');

    await page.getByTestId('model-price-pattern').fill('gpt-4o-mini');
    await page.getByTestId('model-price-input').fill('0.15');
    await page.getByTestId('model-price-output').fill('0.6');
    await page.getByTestId('model-price-save').click();
    await expect.poll(() => page.getByTestId('model-price-row').locator('td').allTextContents()).toEqual(['gpt-4o-mini', '$0.15', '$0.6', 'EditRemove']);
    await page.getByTestId('edit-model-price').click();
    await page.getByTestId('model-price-output').fill('0.75');
    await page.getByTestId('model-price-save').click();
    await expect.poll(() => page.getByTestId('model-price-row').locator('td').nth(2).textContent()).toBe('$0.75');

    // The instance's default prices, folded away: filter them, override one with the organization's own.
    await page.getByTestId('default-prices').locator('summary').click();
    await page.getByTestId('default-prices-filter').fill('claude-3-5-haiku');
    await expect.poll(() => page.getByTestId('default-price-row').locator('td:first-child').allTextContents()).toEqual(['claude-3-5-haiku*']);
    await page.getByTestId('override-model-price').click();
    expect(await page.getByTestId('model-price-pattern').inputValue()).toBe('claude-3-5-haiku*');
    await page.getByTestId('model-price-input').fill('0.5');
    await page.getByTestId('model-price-save').click();
    await expect.poll(() => page.getByTestId('model-price-row').locator('td:first-child').allTextContents()).toEqual(['claude-3-5-haiku*', 'gpt-4o-mini']);
    await expect.poll(() => page.getByTestId('default-price-row').count()).toBe(0);
    await page.getByTestId('trace-retention').scrollIntoViewIfNeeded();
    await screenshot('settings', true);
    expect(uncaughtErrors).toEqual([]);
  });
});
