import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEngine } from '../engine/test/helpers/engine-process.js';
import { launchBrowser, screenshot as saveScreenshot, startTestEngine } from './harness.js';

const promptKey = 'support.greeting';
const templates = {
  v1: 'You are a support agent for {{company}}.\nGreet {{name}} politely.',
  v2: 'You are a friendly support agent for {{company}}.\nGreet {{name}} politely.\nAnswer in {{language}}.',
  v3: 'You are a friendly support agent for {{company}}.\nGreet {{name}} by their first name.\nAnswer in {{language}}.\nKeep answers under 100 words.',
};

describe('prompts in a browser: versions, diff, deploy and rollback', () => {
  let stopEngine: (() => Promise<void>) | undefined;
  let engine: RunningEngine | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const uncaughtErrors: string[] = [];
  let apiKeySecret = '';

  beforeAll(async () => {
    ({ engine, stop: stopEngine } = await startTestEngine());
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => uncaughtErrors.push(error.message));
    // Setup through the API (it signs this browser in); the prompts are what this file tests.
    const setup = await page.request.post(engineUrl('/api/dashboard/auth/setup'), {
      data: { email: 'owner@example.com', password: 'correct horse battery', organizationName: 'Acme', projectName: 'Support bot' },
    });
    expect(setup.status()).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await stopEngine?.();
  });

  function engineUrl(pathname: string): string {
    if (engine === undefined) throw new Error('engine did not start');
    return `${engine.url}${pathname}`;
  }

  const screenshot = (name: string, fullPage = false) => saveScreenshot(page, `prompts-${name}`, fullPage);
  const versionRow = (version: number) => page.locator(`[data-testid="version-row"][data-version="${version}"]`);

  /** What an application gets for `production`, fetched with a project API key. */
  async function fetchProductionVersion(): Promise<number> {
    if (apiKeySecret === '') {
      const state = (await (await page.request.get(engineUrl('/api/dashboard/auth/state'))).json()) as { csrfToken: string; organizations: { id: string }[] };
      const organizationId = state.organizations[0]!.id;
      const projects = (await (await page.request.get(engineUrl(`/api/dashboard/orgs/${organizationId}/projects`))).json()) as { projects: { id: string }[] };
      const created = await page.request.post(engineUrl(`/api/dashboard/orgs/${organizationId}/projects/${projects.projects[0]!.id}/api-keys`), {
        headers: { 'X-CSRF-Token': state.csrfToken },
        data: { name: 'e2e' },
      });
      expect(created.status()).toBe(201);
      apiKeySecret = ((await created.json()) as { secret: string }).secret;
    }
    const response = await fetch(engineUrl(`/api/v1/prompts/${promptKey}?label=production`), { headers: { 'X-API-Key': apiKeySecret } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { version: number }).version;
  }

  async function saveVersion(template: string, commitMessage: string, expectedVersion: number): Promise<void> {
    await page.getByTestId('editor-template').fill(template);
    await page.getByTestId('editor-commit-message').fill(commitMessage);
    await page.getByTestId('save-version').click();
    await versionRow(expectedVersion).waitFor();
    expect(await versionRow(expectedVersion).innerText()).toContain(commitMessage);
  }

  it('explains how to create the first prompt when the project has none', async () => {
    await page.goto(engineUrl('/prompts'));
    await page.getByTestId('first-prompt').waitFor();
    expect(await page.getByTestId('prompts-panel').innerText()).toContain('/api/v1/prompts/');
    await screenshot('empty');
  });

  it('refuses a malformed template with its position next to the field', async () => {
    await page.getByTestId('new-prompt').click();
    await page.getByTestId('prompt-key').fill(promptKey);
    await page.getByTestId('prompt-name').fill('Support greeting');
    await page.getByTestId('prompt-template').fill('Hello {{name');
    await page.getByTestId('prompt-submit').click();

    const templateField = page.locator('.field', { has: page.getByTestId('prompt-template') });
    await templateField.getByTestId('field-error').waitFor();
    expect(await templateField.getByTestId('field-error').innerText()).toContain('Unclosed "{{" at line 1, column 7');
    expect(await page.getByTestId('prompt-template').getAttribute('aria-invalid')).toBe('true');
    await screenshot('malformed-template');
  });

  it('creates the prompt with its first version and opens it', async () => {
    await page.getByTestId('prompt-template').fill(templates.v1);
    await page.getByTestId('prompt-commit-message').fill('First draft');
    await page.getByTestId('prompt-submit').click();

    await page.waitForURL(engineUrl(`/prompts/${promptKey}`));
    expect(await page.getByTestId('prompt-header-key').innerText()).toBe(promptKey);
    await versionRow(1).waitFor();
    expect(await page.getByTestId('variable-chip').allInnerTexts()).toEqual(['{{company}}', '{{name}}']);
    // Nothing changed yet: there is nothing to save.
    expect(await page.getByTestId('save-version').isDisabled()).toBe(true);
  });

  it('saves versions 2 and 3 without changing version 1', async () => {
    await saveVersion(templates.v2, 'Friendlier, answer in the user’s language', 2);
    await saveVersion(templates.v3, 'Use first names, keep it short', 3);
    expect(await page.getByTestId('version-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-version')))).toEqual(['3', '2', '1']);
    expect(await versionRow(1).innerText()).toContain('First draft');
    await screenshot('versions', true);
  });

  it('compares v1 with v3 as added and removed lines', async () => {
    await page.getByTestId('compare-from').selectOption('1');
    await page.getByTestId('compare-to').selectOption('3');
    const diff = page.getByTestId('compare-diff');
    expect(await diff.getByTestId('diff-removed').allInnerTexts()).toEqual([
      expect.stringContaining('You are a support agent for {{company}}.'),
      expect.stringContaining('Greet {{name}} politely.'),
    ]);
    const added = (await diff.getByTestId('diff-added').allInnerTexts()).join('\n');
    expect(added).toContain('Keep answers under 100 words.');
    expect(added).toContain('Answer in {{language}}.');
    expect(await diff.getByTestId('diff-same').count()).toBe(0);
    await page.getByTestId('compare').scrollIntoViewIfNeeded();
    await screenshot('compare');
  });

  it('fills the variables in the preview, leaving the missing ones visible', async () => {
    await page.getByTestId('preview-value-name').fill('Ada');
    await page.getByTestId('preview-value-language').fill('French');
    const preview = await page.getByTestId('preview-output').innerText();
    expect(preview).toContain('Greet Ada by their first name.');
    expect(preview).toContain('Answer in French.');
    expect(preview).toContain('{{company}}');
  });

  it('deploys v2 to production after showing the diff, and an API key fetches v2', async () => {
    await versionRow(2).getByTestId('deploy').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.getByTestId('deploy-diff').waitFor();
    // Nothing was deployed: every line of v2 is new.
    expect(await dialog.getByTestId('diff-added').count()).toBe(3);
    await screenshot('deploy-confirm');
    await dialog.getByTestId('confirm-button').click();
    await dialog.waitFor({ state: 'detached' });

    await versionRow(2).getByTestId('label-production').waitFor();
    expect(await page.getByTestId('prompt-header').innerText()).toContain('production v2');
    expect(await fetchProductionVersion()).toBe(2);
  });

  it('rolls production back to v1, and the API key then fetches v1', async () => {
    await versionRow(1).getByTestId('rollback').click();
    const dialog = page.getByTestId('confirm-dialog');
    expect(await dialog.getByRole('heading').innerText()).toBe('Roll back production to v1?');
    expect((await dialog.getByTestId('diff-removed').allInnerTexts()).join('\n')).toContain('Answer in {{language}}.');
    await screenshot('rollback-confirm');
    await dialog.getByTestId('confirm-button').click();
    await dialog.waitFor({ state: 'detached' });

    await versionRow(1).getByTestId('label-production').waitFor();
    expect(await fetchProductionVersion()).toBe(1);
    const history = await page.getByTestId('history-row').allInnerTexts();
    expect(history).toHaveLength(2);
    expect(history[0]).toMatch(/production\s+v2 →\s*v1\s+rollback/);
    expect(history[1]).toMatch(/production\s+set to\s+v2/);
    await screenshot('after-rollback', true);
  });

  it('restores v1 as a new version 4, changing nothing that exists', async () => {
    await versionRow(1).getByTestId('restore-version').click();
    await versionRow(4).waitFor();
    expect(await versionRow(4).innerText()).toContain('Restored from v1');
    expect(await fetchProductionVersion()).toBe(1);
    const latest = await fetch(engineUrl(`/api/v1/prompts/${promptKey}?label=latest`), { headers: { 'X-API-Key': apiKeySecret } });
    const production = await fetch(engineUrl(`/api/v1/prompts/${promptKey}?label=production`), { headers: { 'X-API-Key': apiKeySecret } });
    const [restored, original] = (await Promise.all([latest.json(), production.json()])) as Array<{ version: number; template: string }>;
    expect(restored!.version).toBe(4);
    expect(restored!.template).toBe(original!.template);
  });

  it('lists the prompt with its production label, and search filters by key or name', async () => {
    await page.getByRole('link', { name: '← All prompts' }).click();
    await page.waitForURL(engineUrl('/prompts'));
    const row = page.getByTestId('prompt-row');
    // The list may first show what it had cached, then the refetched labels.
    await row.getByTestId('label-production').filter({ hasText: 'v1' }).waitFor();
    const text = await row.innerText();
    expect(text).toContain('Support greeting');
    expect(text).toContain('production v1');
    expect(text).toContain('v4'); // the latest version, after the restore
    await screenshot('list');

    await page.getByTestId('prompt-search').fill('GREETING');
    expect(await page.getByTestId('prompt-row').count()).toBe(1);
    await page.getByTestId('prompt-search').fill('billing');
    await page.getByTestId('prompts-no-match').waitFor();
  });

  it('threw no uncaught errors in the page', () => {
    expect(uncaughtErrors).toEqual([]);
  });
});
