import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEngine } from '../engine/test/helpers/engine-process.js';
import { launchBrowser, screenshot, startTestEngine } from './harness.js';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner-password-123' };
const member = { name: 'Max Member', email: 'max@example.com', password: 'member-password-456' };
const promptKey = 'support.greeting';
const chatKey = 'billing.refund';
const templates = [
  'You are a support agent for {{company}}.\nGreet {{name}} politely.',
  'You are a friendly support agent for {{company}}.\nGreet {{name}} politely.\nAnswer in {{language}}.',
  'You are a friendly support agent for {{company}}.\nGreet {{name}} by their first name.\nAnswer in {{language}}.\nKeep answers under 100 words.',
];
const viewport = { width: 1280, height: 800 };

/** A signed-in browser context's own calls to the dashboard API (its session cookie, its CSRF token). */
function dashboardApi(request: APIRequestContext, baseUrl: string) {
  let csrfToken = '';
  const send = async <T>(method: 'post' | 'patch', pathname: string, data: unknown, status: number): Promise<T> => {
    if (csrfToken === '') csrfToken = ((await (await request.get(`${baseUrl}/api/dashboard/auth/state`)).json()) as { csrfToken: string }).csrfToken;
    const response = await request[method](`${baseUrl}${pathname}`, { headers: { 'X-CSRF-Token': csrfToken }, data });
    expect(response.status(), await response.text()).toBe(status);
    return (await response.json()) as T;
  };
  return {
    post: <T>(pathname: string, data: unknown, status = 201) => send<T>('post', pathname, data, status),
    patch: <T>(pathname: string, data: unknown, status = 200) => send<T>('patch', pathname, data, status),
  };
}

describe('protected labels, promotion requests, export, import and duplicate in a browser', () => {
  let stopEngine: (() => Promise<void>) | undefined;
  let engine: RunningEngine | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let memberPage: Page;
  const uncaughtErrors: string[] = [];
  let organizationId = '';
  let projectId = '';
  let otherProjectId = '';
  let apiKeySecret = '';
  let exportedFile = '';

  function engineUrl(pathname: string): string {
    if (engine === undefined) throw new Error('engine did not start');
    return `${engine.url}${pathname}`;
  }

  const projectPath = (id = projectId) => `/api/dashboard/orgs/${organizationId}/projects/${id}`;

  /** The version an application gets for production, fetched with a project API key. */
  async function productionVersion(): Promise<number> {
    const response = await fetch(engineUrl(`/api/v1/prompts/${promptKey}?label=production`), { headers: { 'X-API-Key': apiKeySecret } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { version: number }).version;
  }

  const versionRow = (target: Page, version: number) => target.locator(`[data-testid="version-row"][data-version="${version}"]`);
  const toast = (target: Page, text: string) => target.getByTestId('toast').filter({ hasText: text });

  beforeAll(async () => {
    ({ engine, stop: stopEngine } = await startTestEngine());
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport, acceptDownloads: true })).newPage();
    memberPage = await (await browser.newContext({ viewport })).newPage();
    for (const tab of [page, memberPage]) tab.on('pageerror', (error) => uncaughtErrors.push(error.message));

    // The owner, two projects, a prompt with three versions (v1 in production) and an API key, through
    // the API: the browser flows for creating and saving are in prompts.test.ts.
    const setup = await page.request.post(engineUrl('/api/dashboard/auth/setup'), {
      data: { name: owner.name, email: owner.email, password: owner.password, organizationName: 'Acme', projectName: 'Support bot' },
    });
    expect(setup.status()).toBe(201);
    const api = dashboardApi(page.request, engine!.url);
    const state = (await (await page.request.get(engineUrl('/api/dashboard/auth/state'))).json()) as { organizations: { id: string }[] };
    organizationId = state.organizations[0]!.id;
    const projects = (await (await page.request.get(engineUrl(`/api/dashboard/orgs/${organizationId}/projects`))).json()) as { projects: { id: string }[] };
    projectId = projects.projects[0]!.id;
    otherProjectId = (await api.post<{ id: string }>(`/api/dashboard/orgs/${organizationId}/projects`, { name: 'Website assistant' })).id;

    await api.post(`${projectPath()}/prompts`, { key: promptKey, name: 'Support greeting', template: templates[0], commitMessage: 'First draft', labels: ['production'] });
    for (const [index, template] of templates.slice(1).entries()) {
      await api.post(`${projectPath()}/prompts/${promptKey}/versions`, { template, commitMessage: `Draft ${index + 2}` });
    }
    await api.post(`${projectPath()}/prompts`, {
      key: chatKey,
      type: 'chat',
      messages: [
        { role: 'system', content: 'You handle refunds for {{company}}.' },
        { role: 'user', content: 'Order {{order_id}}: {{question}}' },
      ],
    });
    await api.post(`${projectPath()}/prompts/${chatKey}/versions`, {
      messages: [
        { role: 'system', content: 'You handle refunds for {{company}}.' },
        { role: 'system', content: 'Be brief.\nNever promise a date.' },
        { role: 'assistant', content: 'I can help with order {{order_id}}.' },
      ],
      config: { temperature: 0.2 },
    });
    apiKeySecret = (await api.post<{ secret: string }>(`${projectPath()}/api-keys`, { name: 'e2e' })).secret;

    // A member, invited by the owner, who creates an account from the link in their own browser.
    const invitation = await api.post<{ url: string }>(`/api/dashboard/orgs/${organizationId}/invitations`, { email: member.email, role: 'member' });
    const token = invitation.url.split('/invite/')[1]!;
    const accepted = await memberPage.request.post(engineUrl(`/api/dashboard/invitations/${token}/accept`), { data: { name: member.name, password: member.password } });
    expect(accepted.status()).toBe(200);
  });

  // The exported and edited bundles, removed with their folder at the end.
  let filesDir = '';
  beforeAll(async () => {
    filesDir = await mkdtemp(path.join(tmpdir(), 'forprompt-e2e-bundles-'));
  });
  afterAll(async () => {
    await browser?.close();
    await stopEngine?.();
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
  });

  it('compares chat versions message by message: unchanged collapsed, a role change shown, settings below', async () => {
    await page.goto(engineUrl(`/prompts/${chatKey}`));
    const diff = page.getByTestId('compare-diff');
    await diff.waitFor();
    const messages = diff.getByTestId('diff-message');
    expect(await messages.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-status')))).toEqual(['unchanged', 'changed', 'added']);
    // The unchanged message is one line until opened.
    const unchanged = messages.nth(0);
    expect(await unchanged.locator('details').evaluate((details) => (details as HTMLDetailsElement).open)).toBe(false);
    expect(await unchanged.getByTestId('diff-message-summary').innerText()).toContain('You handle refunds for {{company}}.');
    expect(await messages.nth(1).getByTestId('diff-role-change').innerText()).toBe('user → system');
    expect(await messages.nth(1).getByTestId('diff-removed').innerText()).toContain('Order {{order_id}}: {{question}}');
    expect(await messages.nth(1).getByTestId('diff-added').allInnerTexts()).toEqual([expect.stringContaining('Be brief.'), expect.stringContaining('Never promise a date.')]);
    expect(await diff.getByTestId('diff-config').innerText()).toContain('"temperature": 0.2');
    await unchanged.getByTestId('diff-message-summary').click();
    expect(await unchanged.getByTestId('diff-same').innerText()).toContain('You handle refunds for {{company}}.');
    await page.getByTestId('compare').scrollIntoViewIfNeeded();
    await screenshot(page, 'promotions-chat-diff');
  });

  it('lets the owner protect production in Settings › Projects, checking the name first', async () => {
    await page.goto(engineUrl('/settings/projects'));
    const panel = page.getByTestId('protected-labels');
    await panel.getByTestId('protected-labels-empty').waitFor();
    const input = panel.getByTestId('protect-label-input');
    expect(await input.inputValue()).toBe('production');
    await input.fill('Prod!');
    expect(await panel.getByTestId('field-error').innerText()).toContain('lower-case letters');
    await input.fill('production');
    await panel.getByTestId('protect-label-submit').click();
    await panel.getByTestId('protected-label-row').filter({ hasText: 'production' }).waitFor();
    await toast(page, 'production is protected').waitFor();
    await screenshot(page, 'promotions-protected-labels', true);
  });

  it('shows a member the protected labels without the means to change them', async () => {
    await memberPage.goto(engineUrl('/settings/projects'));
    const panel = memberPage.getByTestId('protected-labels');
    await panel.getByTestId('protected-label-row').waitFor();
    expect(await panel.getByTestId('protected-labels-restricted').innerText()).toContain('your role in Acme is member');
    expect(await panel.getByTestId('protect-label-input').count()).toBe(0);
    expect(await panel.getByTestId('unprotect-label').isDisabled()).toBe(true);
  });

  it('tells a member up front that deploying asks an admin, and makes a pending request', async () => {
    await memberPage.goto(engineUrl(`/prompts/${promptKey}`));
    await versionRow(memberPage, 3).getByTestId('deploy').click();
    const dialog = memberPage.getByTestId('confirm-dialog');
    await dialog.getByTestId('deploy-protected').waitFor();
    expect(await dialog.getByRole('heading').innerText()).toBe('Ask an admin to deploy v3');
    expect(await dialog.getByTestId('deploy-protected').innerText()).toContain('Applications keep getting v1 until an admin approves it');
    await dialog.getByTestId('deploy-diff').getByText('production (v1)').waitFor();
    await dialog.getByTestId('deploy-comment').fill('Shorter answers tested well');
    expect(await dialog.getByTestId('confirm-button').innerText()).toBe('Request approval');
    await screenshot(memberPage, 'promotions-member-deploy');
    await dialog.getByTestId('confirm-button').click();
    await dialog.waitFor({ state: 'detached' });

    await toast(memberPage, "production is protected: your request awaits an admin's approval").waitFor();
    const banner = memberPage.getByTestId('pending-promotions');
    await banner.waitFor();
    const request = banner.getByTestId('promotion-request');
    expect(await request.innerText()).toMatch(/You asked to move production\s+v1 → v3/);
    expect(await request.innerText()).toContain('“Shorter answers tested well”');
    // The requester may withdraw; only admins decide.
    expect(await request.getByTestId('promotion-withdraw').isVisible()).toBe(true);
    expect(await request.getByTestId('promotion-approve').count()).toBe(0);
    expect(await memberPage.getByTestId('prompt-header').innerText()).toContain('production v1');
    expect(await productionVersion()).toBe(1);
    await screenshot(memberPage, 'promotions-member-pending');
  });

  it('lets the owner approve from the promotion requests page after seeing the diff; the API key then gets v3', async () => {
    await page.goto(engineUrl('/prompts'));
    await page.getByTestId('pending-requests-note').getByRole('link').click();
    await page.waitForURL(engineUrl('/promotion-requests'));
    const request = page.getByTestId('promotion-request');
    await request.waitFor();
    expect(await request.innerText()).toMatch(new RegExp(`${member.name} asked to move production\\s+of\\s+${promptKey.replace('.', '\\.')}\\s+v1 → v3`));
    await screenshot(page, 'promotions-requests-page');

    await request.getByTestId('promotion-approve').click();
    const dialog = page.getByTestId('promotion-dialog');
    const diff = dialog.getByTestId('promotion-diff');
    await diff.waitFor();
    expect(await diff.getByTestId('diff-removed').allInnerTexts()).toEqual([expect.stringContaining('You are a support agent'), expect.stringContaining('Greet {{name}} politely.')]);
    expect((await diff.getByTestId('diff-added').allInnerTexts()).join('\n')).toContain('Keep answers under 100 words.');
    await dialog.getByTestId('promotion-note').fill('Reviewed, ship it');
    await screenshot(page, 'promotions-approve');
    await dialog.getByTestId('promotion-approve-confirm').click();
    await dialog.waitFor({ state: 'detached' });

    await toast(page, `Approved: production of ${promptKey} now points at v3`).waitFor();
    await page.getByText('Nothing awaits approval').waitFor();
    expect(await productionVersion()).toBe(3);
    await page.getByTestId('promotion-status-filter').selectOption('approved');
    await page.waitForURL(/\?status=approved$/);
    expect(await page.getByTestId('promotion-decision').innerText()).toMatch(/Approved by Olivia Owner .*: “Reviewed, ship it”/);
    await screenshot(page, 'promotions-approved');
    // A decided request shows what was asked for (v1 → v3), not the empty diff from where production is now.
    await page.getByTestId('promotion-view').click();
    const decided = page.getByTestId('promotion-dialog');
    await decided.getByTestId('promotion-diff').getByText('v1 → v3').waitFor();
    expect(await decided.getByTestId('promotion-diff').getByTestId('diff-removed').count()).toBe(2);
    expect(await decided.getByTestId('promotion-note').count()).toBe(0);
    await decided.getByRole('button', { name: 'Close' }).click();
  });

  it('lets the member withdraw a request of theirs', async () => {
    await memberPage.reload();
    await versionRow(memberPage, 2).getByTestId('rollback').click();
    // As for the deploy above: confirm once the dialog knows production is protected, and see the request made.
    const confirm = memberPage.getByTestId('confirm-dialog');
    await confirm.getByTestId('deploy-protected').waitFor();
    await confirm.getByTestId('confirm-button').click();
    await confirm.waitFor({ state: 'detached' });
    await toast(memberPage, "production is protected: your request awaits an admin's approval").waitFor();
    const request = memberPage.getByTestId('pending-promotions').getByTestId('promotion-request');
    await request.getByTestId('promotion-withdraw').click();
    const dialog = memberPage.getByTestId('promotion-dialog');
    await dialog.getByTestId('promotion-diff').waitFor();
    await dialog.getByTestId('promotion-cancel-confirm').click();
    await toast(memberPage, 'Withdrew your request').waitFor();
    await memberPage.getByTestId('pending-promotions').waitFor({ state: 'detached' });
    expect(await productionVersion()).toBe(3);
  });

  it('exports the whole project as one JSON file, and one prompt from its page', async () => {
    await page.goto(engineUrl('/prompts'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-prompts').click()]);
    expect(download.suggestedFilename()).toMatch(/^support-bot-prompts-\d{4}-\d{2}-\d{2}\.json$/);
    exportedFile = path.join(filesDir, 'exported.json');
    await download.saveAs(exportedFile);
    const bundle = JSON.parse(await readFile(exportedFile, 'utf8')) as { format: string; prompts: Array<{ key: string; versions: unknown[]; labels: Record<string, number> }> };
    expect(bundle.format).toBe('forprompt.prompts');
    expect(bundle.prompts.map((prompt) => prompt.key)).toEqual([chatKey, promptKey]);
    expect(bundle.prompts[1]).toMatchObject({ labels: { production: 3 } });

    await page.goto(engineUrl(`/prompts/${promptKey}`));
    await page.getByTestId('prompt-menu').click();
    await screenshot(page, 'promotions-prompt-menu');
    const [single] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-prompt').click()]);
    const one = JSON.parse(await readFile((await single.path())!, 'utf8')) as { prompts: Array<{ key: string; versions: unknown[] }> };
    expect(one.prompts.map((prompt) => prompt.key)).toEqual([promptKey]);
    expect(one.prompts[0]!.versions).toHaveLength(3);
  });

  it('imports the file into another project: a dry-run report first (with a conflict), then the import', async () => {
    // The other project already has a different support.greeting: a conflict to report.
    await dashboardApi(page.request, engine!.url).post(`${projectPath(otherProjectId)}/prompts`, { key: promptKey, template: 'Hi there.' });
    await page.goto(engineUrl('/prompts'));
    await page.getByTestId('sidebar-project').selectOption({ label: 'Website assistant' });
    await page.getByTestId('prompt-row').first().waitFor();

    await page.getByTestId('import-prompts').click();
    const dialog = page.getByTestId('import-dialog');
    // A file that is JSON but not a bundle: the engine's message names the field.
    const broken = path.join(filesDir, 'broken.json');
    const bundle = JSON.parse(await readFile(exportedFile, 'utf8')) as { prompts: Array<{ versions: Array<{ template: unknown }> }> };
    bundle.prompts[1]!.versions[2]!.template = 42;
    await writeFile(broken, JSON.stringify(bundle));
    await dialog.getByTestId('import-file').setInputFiles(broken);
    await dialog.getByTestId('form-error').waitFor();
    expect(await dialog.getByTestId('form-error').innerText()).toContain('bundle.prompts.1.versions.2.template');
    await screenshot(page, 'promotions-import-invalid');

    await dialog.getByTestId('import-file').setInputFiles(exportedFile);
    const report = dialog.getByTestId('import-report');
    await report.waitFor();
    expect(await report.getAttribute('data-dry-run')).toBe('true');
    expect(await dialog.getByTestId('import-summary').innerText()).toContain('Dry run — nothing is written yet. 1 created · 1 conflict');
    const conflict = dialog.getByTestId('import-row').filter({ hasText: promptKey });
    expect(await conflict.getByTestId('import-status').innerText()).toBe('conflict');
    expect(await conflict.getByTestId('import-conflict').innerText()).toContain("version 1 here differs from the bundle's version 1");
    expect(await conflict.getByTestId('import-metadata').innerText()).toContain('name');
    expect(await dialog.getByTestId('import-submit').innerText()).toBe('Import 1 prompt');
    await screenshot(page, 'promotions-import-dry-run');

    // Appending instead: the bundle's versions go after the ones here.
    await dialog.getByTestId('import-on-conflict').selectOption('append');
    await expect.poll(() => conflict.getByTestId('import-status').innerText()).toBe('merged');
    expect(await dialog.getByTestId('import-submit').innerText()).toBe('Import 2 prompts');
    await dialog.getByTestId('import-submit').click();
    await expect.poll(() => report.getAttribute('data-dry-run')).toBe('false');
    expect(await dialog.getByTestId('import-summary').innerText()).toContain('Imported. 1 created · 1 merged');
    expect(await dialog.getByTestId('import-row').filter({ hasText: chatKey }).innerText()).toContain('+2');
    await screenshot(page, 'promotions-import-done');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByTestId('prompt-row').count()).toBe(2);
    // Merged: v1 here, then the bundle's three versions; production followed the bundle to its v3 (here v4).
    await page.getByTestId('prompt-row').filter({ hasText: promptKey }).getByTestId('label-production').filter({ hasText: 'v4' }).waitFor();
  });

  it('duplicates a prompt into another project and opens the copy there', async () => {
    await page.getByTestId('sidebar-project').selectOption({ label: 'Support bot' });
    await page.getByRole('link', { name: /Support greeting/ }).click();
    await page.getByTestId('prompt-menu').click();
    await page.getByTestId('duplicate-prompt').click();
    const dialog = page.getByTestId('duplicate-dialog');
    expect(await dialog.getByTestId('duplicate-key').inputValue()).toBe(`${promptKey}-copy`);
    expect(await dialog.getByTestId('duplicate-name').inputValue()).toBe('Support greeting');
    await dialog.getByTestId('duplicate-project').selectOption({ label: 'Website assistant' });
    await dialog.getByTestId('duplicate-name').fill('Support greeting (checkout)');
    await screenshot(page, 'promotions-duplicate');
    await dialog.getByTestId('duplicate-submit').click();

    await page.waitForURL(engineUrl(`/prompts/${promptKey}-copy`));
    await page.getByRole('heading', { name: 'Support greeting (checkout)' }).waitFor();
    expect(await page.getByTestId('sidebar-project').locator('option:checked').innerText()).toBe('Website assistant');
    expect(await page.getByTestId('version-row').count()).toBe(3);
    // Labels stay with the original: nothing of the copy is deployed.
    expect(await page.getByTestId('prompt-header').innerText()).not.toContain('production');
    await toast(page, `Copied ${promptKey} to ${promptKey}-copy in Website assistant`).waitFor();
  });

  it('threw no uncaught errors in the pages', () => {
    expect(uncaughtErrors).toEqual([]);
  });
});
