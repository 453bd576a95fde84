import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEngine } from '../engine/test/helpers/engine-process.js';
import { launchBrowser, screenshot, startTestEngine } from './harness.js';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner-password-123' };
const viewer = { name: 'Victor Viewer', email: 'victor@example.com', password: 'viewer-password-456' };
const organizationName = 'Acme Prompts';
const viewport = { width: 1280, height: 800 };

describe('accounts, organizations and access in a browser', () => {
  let stopEngine: (() => Promise<void>) | undefined;
  let engine: RunningEngine | undefined;
  let browser: Browser | undefined;
  let ownerContext: BrowserContext;
  let viewerContext: BrowserContext;
  let page: Page;
  let viewerPage: Page;
  const uncaughtErrors: string[] = [];
  let secret = '';
  let invitationLink = '';

  beforeAll(async () => {
    ({ engine, stop: stopEngine } = await startTestEngine());
    browser = await launchBrowser();
    ownerContext = await browser.newContext({ viewport });
    viewerContext = await browser.newContext({ viewport });
    page = await ownerContext.newPage();
    viewerPage = await viewerContext.newPage();
    for (const tab of [page, viewerPage]) tab.on('pageerror', (error) => uncaughtErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await stopEngine?.();
  });

  function engineUrl(pathname: string): string {
    if (engine === undefined) throw new Error('engine did not start');
    return `${engine.url}${pathname}`;
  }

  async function openSettingsTab(target: Page, label: string, testId: string): Promise<void> {
    await target.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: label, exact: true }).click();
    await target.getByTestId(testId).waitFor();
  }

  it('sends a fresh install to setup, which refuses a short password next to the field', async () => {
    await page.goto(engineUrl('/'));
    await page.waitForURL(engineUrl('/setup'));
    await page.getByTestId('setup-name').fill(owner.name);
    await page.getByTestId('setup-email').fill(owner.email);
    await page.getByTestId('setup-password').fill('short');
    await page.getByTestId('setup-organization').fill(organizationName);
    await page.getByTestId('setup-submit').click();

    const passwordField = page.locator('.field', { has: page.getByTestId('setup-password') });
    await passwordField.getByTestId('field-error').waitFor();
    expect(await passwordField.getByTestId('field-error').innerText()).toContain('at least 10 characters');
    expect(await page.getByTestId('setup-password').getAttribute('aria-invalid')).toBe('true');
    expect(page.url()).toBe(engineUrl('/setup'));
    await screenshot(page, 'accounts-setup-short-password');
  });

  it('creates the owner, the organization and the first project, and signs in', async () => {
    await page.getByTestId('setup-password').fill(owner.password);
    await page.getByTestId('setup-project').fill('Support bot');
    await page.getByTestId('setup-submit').click();

    await page.waitForURL(engineUrl('/settings/projects'));
    await page.getByTestId('projects-table').getByText('Support bot').waitFor();
    expect(await page.getByTestId('current-organization').innerText()).toBe(organizationName);
    expect(await page.getByTestId('user-menu').innerText()).toContain(owner.name);
  });

  it('creates a project', async () => {
    await page.getByTestId('new-project').click();
    await page.getByTestId('project-name').fill('Checkout assistant');
    await page.getByTestId('project-submit').click();

    await page.getByTestId('project-row').filter({ hasText: 'Checkout assistant' }).waitFor();
    await page.getByTestId('toast').filter({ hasText: 'Created Checkout assistant' }).waitFor();
    expect(await page.getByTestId('project-row').filter({ hasText: 'Checkout assistant' }).innerText()).toContain('checkout-assistant');
    await screenshot(page, 'accounts-projects', true);
  });

  it('renames a project, and deletes it only once its slug is typed', async () => {
    await page.getByTestId('new-project').click();
    await page.getByTestId('project-name').fill('Scratch');
    await page.getByTestId('project-submit').click();
    const row = page.getByTestId('project-row').filter({ hasText: 'scratch' });
    await row.getByRole('button', { name: 'Rename' }).click();
    await page.getByTestId('project-name').fill('Scratch pad');
    await page.getByTestId('project-submit').click();
    await row.getByText('Scratch pad').waitFor();

    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('confirm-input').fill('scratc');
    expect(await page.getByTestId('confirm-button').isDisabled()).toBe(true);
    await page.getByTestId('confirm-input').fill('scratch');
    await screenshot(page, 'accounts-delete-project');
    await page.getByTestId('confirm-button').click();
    await row.waitFor({ state: 'detached' });
    expect(await page.getByTestId('project-row').count()).toBe(2);
  });

  it('creates an API key whose secret is shown once and works against the public API', async () => {
    await openSettingsTab(page, 'API keys', 'settings-api-keys');
    await page.getByTestId('api-keys-project').selectOption({ label: 'Checkout assistant' });
    await page.getByTestId('api-keys-empty').waitFor();
    await page.getByTestId('create-api-key').click();
    await page.getByTestId('api-key-name').fill('production');
    await page.getByTestId('api-key-submit').click();

    const secretDialog = page.getByTestId('api-key-secret-dialog');
    await secretDialog.waitFor();
    secret = await page.getByTestId('api-key-secret').inputValue();
    expect(secret).toMatch(/^fp_proj_[A-Za-z0-9]{32}$/);
    expect(await secretDialog.innerText()).toContain('you will not see it again');
    await screenshot(page, 'accounts-api-key-secret');

    const response = await fetch(engineUrl('/api/v1/project'), { headers: { 'X-API-Key': secret } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('Checkout assistant');

    await page.getByTestId('api-key-secret-done').click();
    await secretDialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('api-key-row').filter({ hasText: 'production' });
    await row.waitFor();
    expect(await row.innerText()).toContain(secret.slice(0, 12));
    expect(await row.innerText()).toContain('Active');
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByTestId('api-key-row').first().waitFor();
    expect(await page.content()).not.toContain(secret);
    await screenshot(page, 'accounts-api-keys', true);
  });

  it('rotates a key with a grace period, then revokes the old one', async () => {
    const original = page.getByTestId('api-key-row').filter({ hasText: secret.slice(0, 12) });
    await original.getByRole('button', { name: 'Rotate' }).click();
    await page.getByTestId('api-key-grace').fill('1');
    await page.getByTestId('api-key-rotate-submit').click();
    const rotated = await page.getByTestId('api-key-secret').inputValue();
    expect(rotated).toMatch(/^fp_proj_[A-Za-z0-9]{32}$/);
    expect(rotated).not.toBe(secret);
    await page.getByTestId('api-key-secret-done').click();

    await original.getByText(/Expires in/).waitFor();
    for (const key of [secret, rotated]) {
      expect((await fetch(engineUrl('/api/v1/project'), { headers: { 'X-API-Key': key } })).status).toBe(200);
    }
    await original.getByRole('button', { name: 'Revoke' }).click();
    await page.getByTestId('confirm-button').click();
    await original.getByText('Revoked').waitFor();
    const refused = await fetch(engineUrl('/api/v1/project'), { headers: { 'X-API-Key': secret } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('api_key_revoked');
    await screenshot(page, 'accounts-api-keys-rotated', true);
  });

  it('invites a viewer by link', async () => {
    await openSettingsTab(page, 'Members', 'settings-members');
    await page.getByTestId('invite-member').click();
    await page.getByTestId('invite-email').fill(viewer.email);
    await page.getByTestId('invite-role').selectOption('viewer');
    await page.getByTestId('invite-submit').click();

    invitationLink = await page.getByTestId('invitation-link').inputValue();
    expect(invitationLink).toMatch(new RegExp(`^${engineUrl('/invite/')}[A-Za-z0-9_-]{20,}$`));
    await screenshot(page, 'accounts-invitation-link');
    await page.getByTestId('invitation-link-done').click();
    const invitationRow = page.getByTestId('invitation-row').filter({ hasText: viewer.email });
    await invitationRow.waitFor();
    expect(await invitationRow.innerText()).toMatch(/viewer/i);
    expect(await invitationRow.innerText()).toMatch(/pending/i);
  });

  it('lets the invited person create an account and join from another browser', async () => {
    await viewerPage.goto(invitationLink);
    const facts = viewerPage.getByTestId('invitation-facts');
    await facts.waitFor();
    const factsText = await facts.innerText();
    expect(factsText).toContain(organizationName);
    expect(factsText).toMatch(/viewer/i);
    expect(factsText).toContain(viewer.email);
    await viewerPage.getByTestId('invite-name').fill(viewer.name);
    await viewerPage.getByTestId('invite-password').fill(viewer.password);
    await screenshot(viewerPage, 'accounts-invite');
    await viewerPage.getByTestId('invite-accept').click();

    await viewerPage.waitForURL(engineUrl('/prompts'));
    expect(await viewerPage.getByTestId('current-organization').innerText()).toBe(organizationName);
  });

  it('lets the new member sign in with the password chosen on the invitation', async () => {
    await viewerPage.getByTestId('user-menu').click();
    await viewerPage.getByTestId('sign-out').click();
    await viewerPage.waitForURL(engineUrl('/sign-in'));
    await viewerPage.getByTestId('sign-in-email').fill(viewer.email);
    await viewerPage.getByTestId('sign-in-password').fill(viewer.password);
    await viewerPage.getByTestId('sign-in-submit').click();
    await viewerPage.waitForURL(engineUrl('/prompts'));
    expect(await viewerPage.getByTestId('current-organization').innerText()).toBe(organizationName);
  });

  it('shows the viewer disabled edit buttons, and the API refuses the viewer', async () => {
    await viewerPage.goto(engineUrl('/settings/api-keys'));
    const createKey = viewerPage.getByTestId('create-api-key');
    await createKey.waitFor();
    expect(await createKey.isDisabled()).toBe(true);
    expect(await createKey.getAttribute('title')).toMatch(/admin/);
    await viewerPage.getByTestId('api-keys-restricted').waitFor();
    await screenshot(viewerPage, 'accounts-viewer-api-keys');

    await openSettingsTab(viewerPage, 'Members', 'settings-members');
    await viewerPage.getByTestId('member-row').filter({ hasText: owner.email }).waitFor();
    expect(await viewerPage.getByTestId('invite-member').isDisabled()).toBe(true);
    for (const select of await viewerPage.getByTestId('member-role').all()) expect(await select.isDisabled()).toBe(true);
    for (const button of await viewerPage.getByTestId('remove-member').all()) expect(await button.isDisabled()).toBe(true);
    await openSettingsTab(viewerPage, 'Projects', 'settings-projects');
    expect(await viewerPage.getByTestId('new-project').isDisabled()).toBe(true);
    await openSettingsTab(viewerPage, 'Members', 'settings-members');
    await screenshot(viewerPage, 'accounts-viewer-members', true);

    const refused = await viewerPage.evaluate(async () => {
      const state = (await (await fetch('/api/dashboard/auth/state')).json()) as { csrfToken: string; organizations: { id: string }[] };
      const response = await fetch(`/api/dashboard/orgs/${state.organizations[0]!.id}/projects`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrfToken },
        body: JSON.stringify({ name: 'Sneaky project' }),
      });
      return { status: response.status, body: (await response.json()) as { error: { code: string } } };
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('insufficient_role');
  });

  it('lets the owner make the viewer a member, and the audit log records it all', async () => {
    await page.goto(engineUrl('/settings/members'));
    const viewerRow = page.getByTestId('member-row').filter({ hasText: viewer.email });
    await viewerRow.waitFor();
    expect(await viewerRow.getByTestId('member-role').inputValue()).toBe('viewer');
    await viewerRow.getByTestId('member-role').selectOption('member');
    await page.getByTestId('toast').filter({ hasText: `${viewer.name} is now a member` }).waitFor();
    expect(await viewerRow.getByTestId('member-role').inputValue()).toBe('member');
    expect(await page.getByTestId('invitation-row').filter({ hasText: viewer.email }).innerText()).toMatch(/accepted/i);
    await screenshot(page, 'accounts-members', true);

    await openSettingsTab(page, 'Audit log', 'settings-audit');
    const table = page.getByTestId('audit-table');
    await table.waitFor();
    for (const action of ['invitation.created', 'invitation.accepted', 'member.role_changed', 'api_key.created', 'project.created']) {
      await table.getByText(action, { exact: true }).first().waitFor();
    }
    await screenshot(page, 'accounts-audit', true);

    await page.getByTestId('audit-action').fill('member.role_changed');
    await page.getByTestId('audit-apply').click();
    await page.waitForFunction(() => {
      const actions = Array.from(document.querySelectorAll('[data-testid="audit-row"] code'));
      return actions.length > 0 && actions.every((cell) => cell.textContent === 'member.role_changed');
    });
    expect(await page.getByTestId('audit-row').count()).toBe(1);
    expect(await page.getByTestId('audit-row').innerText()).toContain(owner.name);
    const exportHref = await page.getByTestId('audit-export').getAttribute('href');
    expect(exportHref).toMatch(/\/audit\.csv\?action=member\.role_changed$/);
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), exportHref!);
    expect(csv.trim().split('\r\n')).toHaveLength(2);
  });

  it("gives the member a one-time password reset link from an admin", async () => {
    await openSettingsTab(page, 'Members', 'settings-members');
    await page.getByTestId('member-row').filter({ hasText: viewer.email }).getByTestId('reset-link').click();
    await page.getByTestId('reset-link-create').click();
    const resetLink = await page.getByTestId('reset-link-url').inputValue();
    expect(resetLink).toMatch(new RegExp(`^${engineUrl('/reset-password/')}[A-Za-z0-9_-]{20,}$`));
    await screenshot(page, 'accounts-reset-link');
    await page.getByRole('button', { name: 'Done' }).click();

    await viewerPage.goto(resetLink);
    await viewerPage.getByTestId('reset-password').fill('a-brand-new-password');
    await viewerPage.getByLabel('Repeat it').fill('a-brand-new-password');
    await screenshot(viewerPage, 'accounts-reset-password');
    await viewerPage.getByRole('button', { name: 'Set password' }).click();
    await viewerPage.getByRole('heading', { name: 'Password set' }).waitFor();
    await viewerPage.getByRole('link', { name: 'Sign in' }).click();
    await viewerPage.getByTestId('sign-in-email').fill(viewer.email);
    await viewerPage.getByTestId('sign-in-password').fill('a-brand-new-password');
    await viewerPage.getByTestId('sign-in-submit').click();
    await viewerPage.waitForURL(engineUrl('/prompts'));
    expect(await viewerPage.getByTestId('current-organization').innerText()).toBe(organizationName);
  });

  it('adds an LLM provider key and lists it masked', async () => {
    const providerKey = 'sk-or-v1-0123456789abcdef0123456789abcdef';
    await openSettingsTab(page, 'Provider keys', 'settings-provider-keys');
    await page.getByTestId('add-provider-key').click();
    await page.getByTestId('provider-key-name').fill('Team OpenRouter');
    await page.getByTestId('provider-key-secret').fill(providerKey);
    await page.getByTestId('provider-key-submit').click();
    const row = page.getByTestId('provider-key-row').filter({ hasText: 'Team OpenRouter' });
    await row.waitFor();
    expect(await row.innerText()).toContain('OpenRouter');
    expect(await page.content()).not.toContain(providerKey);
    await screenshot(page, 'accounts-provider-keys', true);
  });

  it('pages through a long audit log with Load more', async () => {
    // 30 keys added and deleted: 60 more entries, more than one page of 50.
    await page.evaluate(async () => {
      const state = (await (await fetch('/api/dashboard/auth/state')).json()) as { csrfToken: string; organizations: { id: string; slug: string }[] };
      const organization = state.organizations.find((candidate) => candidate.slug === 'acme-prompts')!;
      const send = (method: string, path: string, body?: unknown) =>
        fetch(`/api/dashboard/orgs/${organization.id}/provider-keys${path}`, {
          method,
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrfToken },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
      for (let index = 0; index < 30; index++) {
        const created = (await (await send('POST', '', { service: 'openai', name: `Temporary ${index}`, apiKey: `sk-temporary-${index}-0000` })).json()) as { id: string };
        await send('DELETE', `/${created.id}`);
      }
    });
    await openSettingsTab(page, 'Audit log', 'settings-audit');
    // The page shows the cached first visit at once, then the refreshed log.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-row"]').length === 50);
    await page.getByTestId('audit-load-more').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-row"]').length > 50);
    await page.getByTestId('audit-table').getByText('instance.setup', { exact: true }).waitFor();
  });

  it('creates a second organization from the switcher and switches back', async () => {
    await openSettingsTab(page, 'General', 'settings-general');
    await screenshot(page, 'accounts-general', true);
    await page.getByTestId('org-switcher').click();
    await page.getByTestId('create-organization').click();
    await page.getByTestId('organization-name-input').fill('Side project');
    await page.getByTestId('create-organization-submit').click();
    await page.getByTestId('current-organization').filter({ hasText: 'Side project' }).waitFor();
    expect(await page.getByTestId('organization-name').inputValue()).toBe('Side project');

    await page.getByTestId('org-switcher').click();
    await screenshot(page, 'accounts-org-switcher');
    await page.getByRole('menuitem', { name: organizationName }).click();
    await page.getByTestId('current-organization').filter({ hasText: organizationName }).waitFor();
    expect(await page.getByTestId('organization-name').inputValue()).toBe(organizationName);
  });

  it('fits the settings pages in a 1024 px wide window without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    for (const [path, testId] of [
      ['/settings/api-keys', 'api-key-row'],
      ['/settings/members', 'member-row'],
      ['/settings/profile', 'session-row'],
      ['/settings/audit', 'audit-row'],
    ] as const) {
      await page.goto(engineUrl(path));
      await page.getByTestId(testId).first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), path).toBe(false);
    }
    await screenshot(page, 'accounts-audit-1024');
    await page.setViewportSize(viewport);
  });

  it('signs the owner out, refuses a wrong password generically, and signs in again', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await page.waitForURL(engineUrl('/sign-in'));

    await page.getByTestId('sign-in-email').fill(owner.email);
    await page.getByTestId('sign-in-password').fill('not-the-password');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('form-error').waitFor();
    expect(await page.getByTestId('form-error').innerText()).toBe('Wrong email or password');
    await screenshot(page, 'accounts-sign-in-error');

    // The engine's limit takes ten slowed-down failures to reach, so its answer is stubbed here.
    await page.route('**/api/dashboard/auth/sign-in', (route) =>
      route.fulfill({
        status: 429,
        contentType: 'application/json',
        headers: { 'Retry-After': '125' },
        body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many sign-in attempts; try again in 3 minutes', details: { retryAfter: 125 } } }),
      }),
    );
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('form-error').filter({ hasText: /Try again in 2\smin [0-5]\ss/ }).waitFor();
    expect(await page.getByTestId('sign-in-submit').isDisabled()).toBe(true);
    await screenshot(page, 'accounts-sign-in-rate-limited');
    await page.unroute('**/api/dashboard/auth/sign-in');
    await page.reload();

    await page.getByTestId('sign-in-email').fill(owner.email);
    await page.getByTestId('sign-in-password').fill(owner.password);
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL(engineUrl('/prompts'));
    expect(await page.getByTestId('current-organization').innerText()).toBe(organizationName);

    await page.goto(engineUrl('/settings/profile'));
    const currentSession = page.getByTestId('session-row').filter({ hasText: 'This device' });
    await currentSession.waitFor();
    expect(await page.getByTestId('session-row').count()).toBe(1);
    await screenshot(page, 'accounts-profile', true);
  });

  it('raised no uncaught errors in either browser', () => {
    expect(uncaughtErrors).toEqual([]);
  });
});
