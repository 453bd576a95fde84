import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectApiKey, startDashboardSession, type DashboardSession } from './harness.js';

const promptKey = 'support.greeting';
const chatKey = 'billing.refund';
const templates = {
  v1: 'You are a support agent for {{company}}.\nGreet {{name}} politely.',
  v2: 'You are a friendly support agent for {{company}}.\nGreet {{name}} politely.\nAnswer in {{language}}.',
  v3: 'You are a friendly support agent for {{company}}.\nGreet {{name}} by their first name.\nAnswer in {{language}}.\nKeep answers under 100 words.',
};

describe('prompts in a browser: editor, details, versions, labels, diff, deploy, rollback and filters', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let uncaughtErrors: string[] = [];
  let engineUrl: DashboardSession['engineUrl'];
  let screenshot: DashboardSession['screenshot'];
  let apiKeySecret = '';

  beforeAll(async () => {
    session = await startDashboardSession({ screenshotPrefix: 'prompts' });
    ({ page, uncaughtErrors, engineUrl, screenshot } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  const versionRow = (version: number) => page.locator(`[data-testid="version-row"][data-version="${version}"]`);

  /** The version an application gets for a label, fetched with a project API key. */
  async function fetchLabelVersion(label: string, key = promptKey): Promise<number> {
    if (apiKeySecret === '') {
      apiKeySecret = await createProjectApiKey(page, engineUrl());
    }
    const response = await fetch(engineUrl(`/api/v1/prompts/${key}?label=${label}`), { headers: { 'X-API-Key': apiKeySecret } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { version: number }).version;
  }

  const fetchProductionVersion = () => fetchLabelVersion('production');

  /** Replaces the text of a CodeMirror editor by typing, as a user would. */
  async function typeInEditor(editor: Locator, text: string): Promise<void> {
    await editor.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(text);
  }

  async function saveVersion(template: string, commitMessage: string, expectedVersion: number): Promise<void> {
    await typeInEditor(page.getByTestId('editor-template'), template);
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
    await typeInEditor(page.getByTestId('prompt-template'), 'Hello {{name');
    await page.getByTestId('prompt-submit').click();

    const templateField = page.locator('.field', { has: page.getByTestId('prompt-template') });
    await templateField.getByTestId('field-error').waitFor();
    expect(await templateField.getByTestId('field-error').innerText()).toContain('Unclosed "{{" at line 1, column 7');
    expect(await page.getByTestId('prompt-template').locator('.cm-content').getAttribute('aria-invalid')).toBe('true');
    await screenshot('malformed-template');
  });

  it('creates the prompt with its first version and opens it', async () => {
    await typeInEditor(page.getByTestId('prompt-template'), templates.v1);
    await page.getByTestId('prompt-commit-message').fill('First draft');
    await page.getByTestId('prompt-submit').click();

    await page.waitForURL(engineUrl(`/prompts/${promptKey}`));
    expect(await page.getByTestId('prompt-header-key').innerText()).toBe(promptKey);
    await versionRow(1).waitFor();
    expect(await page.getByTestId('variable-chip').allInnerTexts()).toEqual(['{{company}}', '{{name}}']);
    // Nothing changed yet: there is nothing to save.
    expect(await page.getByTestId('save-version').isDisabled()).toBe(true);
  });

  it('highlights {{variables}} as they are typed, but not an escaped \\{{', async () => {
    const editor = page.getByTestId('editor-template');
    expect(await editor.locator('.cm-content').getAttribute('role')).toBe('textbox');
    expect(await editor.locator('.cm-content').getAttribute('aria-label')).toBe('Template');
    await editor.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('\nSign as {{ agent }}. Write \\{{literal}} for braces.');

    expect(await editor.locator('.cm-template-variable').allInnerTexts()).toEqual(['{{company}}', '{{name}}', '{{ agent }}']);
    expect(await editor.locator('.cm-template-escape').allInnerTexts()).toEqual(['\\{{']);
    expect(await page.getByTestId('variable-chip').allInnerTexts()).toEqual(['{{company}}', '{{name}}', '{{agent}}']);
    expect(await page.getByTestId('save-version').isDisabled()).toBe(false);
    await screenshot('editor-highlight');

    // Discarding puts the saved text back into the editor.
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await expect.poll(() => editor.locator('.cm-content').innerText()).toBe(templates.v1);
    expect(await editor.locator('.cm-template-variable').count()).toBe(2);
    expect(await page.getByTestId('save-version').isDisabled()).toBe(true);
  });

  it('saves versions 2 and 3 without changing version 1', async () => {
    await saveVersion(templates.v2, 'Friendlier, answer in the user’s language', 2);
    await saveVersion(templates.v3, 'Use first names, keep it short', 3);
    expect(await page.getByTestId('version-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-version')))).toEqual(['3', '2', '1']);
    expect(await versionRow(1).innerText()).toContain('First draft');
    await screenshot('versions', true);
  });

  it('compares v1 with v3 from the engine’s diff, side by side and inline', async () => {
    await page.getByTestId('compare-from').selectOption('1');
    await page.getByTestId('compare-to').selectOption('3');
    const diff = page.getByTestId('compare-diff');
    await expect.poll(() => diff.locator('.diff-header').innerText()).toContain('v1 → v3');
    expect(await diff.getByTestId('diff-stats').innerText()).toBe('+4 −2');

    // Side by side (the default): old left, new right, each replaced line facing its replacement.
    expect(await diff.getAttribute('data-mode')).toBe('split');
    const rows = diff.locator('tr.diff-row');
    expect(await rows.count()).toBe(4);
    const firstRow = rows.nth(0);
    expect(await firstRow.getByTestId('diff-removed').innerText()).toContain('You are a support agent for {{company}}.');
    expect(await firstRow.getByTestId('diff-added').innerText()).toContain('You are a friendly support agent for {{company}}.');
    expect(await rows.nth(1).getByTestId('diff-removed').innerText()).toContain('Greet {{name}} politely.');
    // v3 has two lines more: the left column is blank beside them.
    expect(await rows.nth(3).locator('td').allInnerTexts()).toEqual(['', '', '4', expect.stringContaining('Keep answers under 100 words.')]);
    expect(await diff.getByTestId('diff-same').count()).toBe(0);
    await page.getByTestId('compare').scrollIntoViewIfNeeded();
    await screenshot('compare-side-by-side');

    // Inline: the removed lines with "-", then the added ones with "+".
    await diff.getByTestId('diff-mode-inline').click();
    expect(await diff.getAttribute('data-mode')).toBe('inline');
    expect(await diff.getByTestId('diff-removed').allInnerTexts()).toEqual([
      expect.stringContaining('You are a support agent for {{company}}.'),
      expect.stringContaining('Greet {{name}} politely.'),
    ]);
    expect(await diff.locator('.diff-row--removed .diff-marker').allInnerTexts()).toEqual(['-', '-']);
    const added = (await diff.getByTestId('diff-added').allInnerTexts()).join('\n');
    expect(added).toContain('Keep answers under 100 words.');
    expect(added).toContain('Answer in {{language}}.');
    expect(await diff.locator('.diff-row--added .diff-marker').allInnerTexts()).toEqual(['+', '+', '+', '+']);
    await screenshot('compare-inline');

    // The same two versions compared with themselves: nothing to show.
    await page.getByTestId('compare-to').selectOption('1');
    await diff.getByTestId('diff-identical').waitFor();
    expect(await diff.getByTestId('diff-identical').innerText()).toContain('No differences');
    await page.getByTestId('compare-to').selectOption('3');
    await diff.getByTestId('diff-mode-split').click();
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
    // The diff from what production serves now (v2), computed by the engine.
    await dialog.getByTestId('deploy-diff').getByText('production (v2)').waitFor();
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

  it('fills in the details: completeness rises as fields are typed and stays after a reload', async () => {
    await page.getByTestId('tab-details').click();
    const score = page.getByTestId('completeness-score');
    expect(await score.innerText()).toBe('0%');
    expect(await page.getByTestId('prompt-completeness').innerText()).toContain('Tools can’t be linked in this version yet');

    await page.getByTestId('details-purpose').fill('Greets customers who open the support chat.');
    expect(await score.innerText()).toBe('15%');
    await page.getByTestId('details-expectedBehavior').fill('Friendly, brief, uses the first name.');
    await page.getByTestId('details-outputFormat').fill('Plain text, at most 100 words.');
    await page.getByTestId('details-additionalNotes').fill('Not scored.');
    expect(await score.innerText()).toBe('40%');
    const missing = await page.getByTestId('completeness-missing').innerText();
    expect(missing).toContain('Input format');
    expect(missing).not.toContain('Purpose');
    // Typed but not saved: the saved score is still shown.
    expect(await page.getByTestId('prompt-completeness').innerText()).toContain('0% saved');
    await page.getByTestId('details-tags').fill('support, onboarding');
    await page.getByTestId('details-description').fill('The first message of every support chat.');

    await page.getByTestId('save-details').click();
    await page.getByTestId('details-saved').waitFor();
    expect(await page.getByTestId('tab-details').innerText()).toContain('40%');
    expect(await page.getByTestId('prompt-header').innerText()).toContain('onboarding');
    await screenshot('details', true);

    await page.reload();
    await score.waitFor();
    expect(await score.innerText()).toBe('40%');
    expect(await page.getByTestId('details-purpose').inputValue()).toBe('Greets customers who open the support chat.');
    expect(await page.getByTestId('details-tags').inputValue()).toBe('support, onboarding');
    expect(await page.getByTestId('prompt-completeness').innerText()).not.toContain('saved');

    // The editor, built while its tab was hidden, shows and highlights once its tab opens.
    await page.getByTestId('tab-template').click();
    expect(page.url()).toBe(engineUrl(`/prompts/${promptKey}`));
    await expect.poll(() => page.getByTestId('editor-template').locator('.cm-template-variable').allInnerTexts()).toEqual(['{{company}}', '{{name}}']);
  });

  it('points staging at v3 from the version list, refusing a malformed custom label first', async () => {
    await versionRow(3).getByTestId('set-label').click();
    const dialog = page.getByTestId('set-label-dialog');
    expect(await dialog.getByTestId('label-choice-staging').isChecked()).toBe(true);
    await screenshot('set-label');
    await dialog.getByTestId('set-label-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await versionRow(3).getByTestId('label-staging').waitFor();
    expect(await page.getByTestId('prompt-header').innerText()).toContain('staging v3');
    expect(await fetchLabelVersion('staging')).toBe(3);
    expect(await fetchProductionVersion()).toBe(1);

    await versionRow(2).getByTestId('set-label').click();
    expect(await dialog.getByTestId('label-choice-staging').isChecked()).toBe(true);
    await dialog.getByTestId('label-custom').fill('Canary!');
    expect(await dialog.getByTestId('label-choice-new').isChecked()).toBe(true);
    expect(await dialog.getByTestId('field-error').innerText()).toContain('lower-case letters');
    await dialog.getByTestId('set-label-submit').click();
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByTestId('label-custom').fill('canary');
    expect(await dialog.getByTestId('field-error').count()).toBe(0);
    await dialog.getByTestId('set-label-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await versionRow(2).getByTestId('label-canary').waitFor();
    expect(await fetchLabelVersion('canary')).toBe(2);
    // Deploy history lists every label move but `latest`'s.
    expect(await page.getByTestId('history-row').first().innerText()).toMatch(/canary\s+set to\s+v2/);
    await screenshot('after-set-label', true);
  });

  it('creates a chat prompt from message cards, each in its own editor, and tags it', async () => {
    await page.getByRole('link', { name: '← All prompts' }).click();
    await page.getByTestId('new-prompt').click();
    await page.getByTestId('prompt-key').fill(chatKey);
    await page.getByTestId('prompt-type').selectOption('chat');
    const contents = page.getByTestId('message-content');
    await typeInEditor(contents.nth(0), 'You handle refunds for {{company}}.');
    await typeInEditor(contents.nth(1), 'Order {{order_id}}: {{question}}');
    expect(await contents.nth(1).locator('.cm-template-variable').allInnerTexts()).toEqual(['{{order_id}}', '{{question}}']);

    // Moving a card down and back up keeps each role with its text.
    await page.getByTestId('move-message-down').first().click();
    expect(await page.getByLabel('Role of message 1').inputValue()).toBe('user');
    await expect.poll(() => contents.nth(0).locator('.cm-content').innerText()).toBe('Order {{order_id}}: {{question}}');
    await page.getByTestId('move-message-up').nth(1).click();
    expect(await page.getByLabel('Role of message 1').inputValue()).toBe('system');
    await expect.poll(() => contents.nth(0).locator('.cm-content').innerText()).toBe('You handle refunds for {{company}}.');
    await screenshot('new-chat-prompt');

    await page.getByTestId('prompt-submit').click();
    await page.waitForURL(engineUrl(`/prompts/${chatKey}`));
    await expect.poll(() => page.getByTestId('variable-chip').allInnerTexts()).toEqual(['{{company}}', '{{order_id}}', '{{question}}']);
    await page.getByTestId('tab-details').click();
    await page.getByTestId('details-tags').fill('billing');
    await page.getByTestId('save-details').click();
    await page.getByTestId('details-saved').waitFor();
  });

  it('lists the prompts with labels and completeness; search, tag and label filters narrow the list', async () => {
    await page.getByRole('link', { name: '← All prompts' }).click();
    await page.waitForURL(engineUrl('/prompts'));
    const rows = page.getByTestId('prompt-row');
    const greeting = rows.filter({ hasText: promptKey });
    // The list may first show what it had cached, then the refetched labels.
    await greeting.getByTestId('label-production').filter({ hasText: 'v1' }).waitFor();
    const text = await greeting.innerText();
    expect(text).toContain('Support greeting');
    expect(text).toContain('production v1');
    expect(text).toContain('staging v3');
    expect(text).toContain('v4'); // the latest version, after the restore
    expect(await greeting.getByTestId('completeness-meter').innerText()).toBe('40%');
    expect(await rows.count()).toBe(2);
    await screenshot('list');

    await page.getByTestId('prompt-search').fill('GREETING');
    expect(await rows.count()).toBe(1);
    await page.getByTestId('prompt-search').fill('nothing like this');
    await page.getByTestId('prompts-no-match').waitFor();
    await page.getByTestId('prompt-search').fill('');

    // Tags offered are those in use; picking one asks the engine for that tag only.
    expect(await page.getByTestId('tag-filter').allInnerTexts()).toEqual(['billing', 'onboarding', 'support']);
    await page.getByTestId('tag-filter').filter({ hasText: 'billing' }).click();
    await page.waitForURL(/\?tag=billing$/);
    // Until the engine answers, the list shows "Loading…" (never the unfiltered rows under a filter).
    await expect.poll(() => rows.allInnerTexts()).toEqual([expect.stringContaining(chatKey)]);
    await screenshot('list-tag-filter');

    await page.getByTestId('label-filter').selectOption('staging');
    await page.getByTestId('prompts-filter-empty').waitFor();
    expect(await page.getByTestId('prompts-filter-empty').innerText()).toContain('No prompts tagged “billing” with the label “staging”');
    await screenshot('list-filter-empty');
    await page.getByTestId('clear-filters-empty').click();
    await expect.poll(() => rows.count()).toBe(2);

    await page.getByTestId('label-filter').selectOption('staging');
    await page.waitForURL(/\?label=staging$/);
    await expect.poll(() => rows.allInnerTexts()).toEqual([expect.stringContaining(promptKey)]);
    await page.reload();
    await expect.poll(() => rows.allInnerTexts()).toEqual([expect.stringContaining(promptKey)]);
    expect(await page.getByTestId('label-filter').inputValue()).toBe('staging');
  });

  it('fits the list and the prompt page in a 1024 px wide window without horizontal scrolling', async () => {
    const overflows = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByTestId('clear-filters').click();
    await expect.poll(() => page.getByTestId('prompt-row').count()).toBe(2);
    expect(await overflows()).toBe(false);
    await screenshot('list-1024');

    await page.getByRole('link', { name: /Support greeting/ }).click();
    await page.getByTestId('editor-template').locator('.cm-content').waitFor();
    expect(await overflows()).toBe(false);
    await page.getByTestId('tab-details').click();
    expect(await overflows()).toBe(false);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('threw no uncaught errors in the page', () => {
    expect(uncaughtErrors).toEqual([]);
  });
});
