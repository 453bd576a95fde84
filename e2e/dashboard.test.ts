import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEngine } from '../engine/test/helpers/engine-process.js';
import { runCli, temporaryDirectory } from '../sdk/cli/test/helpers.js';
import { launchBrowser, screenshot as saveScreenshot, startTestEngine } from './harness.js';

const sections = [
  { label: 'Prompts', path: '/prompts', testId: 'page-prompts' },
  { label: 'Promotions', path: '/promotion-requests', testId: 'page-promotion-requests' },
  { label: 'Traces', path: '/traces', testId: 'page-traces' },
  { label: 'Analytics', path: '/analytics', testId: 'page-analytics' },
  { label: 'Tools', path: '/tools', testId: 'page-tools' },
  { label: 'Webhooks', path: '/webhooks', testId: 'page-webhooks' },
  { label: 'Settings', path: '/settings', testId: 'page-settings' },
] as const;

const localHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);
const mcpClients = ['claude-desktop', 'claude-code', 'cursor', 'continue', 'windsurf', 'vscode'] as const;

interface McpServersConfig {
  mcpServers: { forprompt: { command: string; args: string[]; env: Record<string, string> } };
}

describe('dashboard in a browser', () => {
  let stopEngine: (() => Promise<void>) | undefined;
  let engine: RunningEngine | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  const externalRequests: string[] = [];
  let observedRequests = 0;

  beforeAll(async () => {
    ({ engine, stop: stopEngine } = await startTestEngine());
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The dashboard sits behind sign-in: finish first-run setup, which signs this browser in.
    const setup = await page.request.post(engineUrl('/api/dashboard/auth/setup'), {
      data: { email: 'owner@example.com', password: 'correct horse battery', organizationName: 'Acme', projectName: 'Default project' },
    });
    expect(setup.status()).toBe(201);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    page.on('requestfailed', (request) => {
      // A request cut short by the test's own navigation or reload is not a failure of the page.
      if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
      failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
    });
    page.on('request', (request) => {
      observedRequests += 1;
      const { protocol, host, hostname } = new URL(request.url());
      const isNetwork = protocol === 'http:' || protocol === 'https:' || protocol === 'ws:' || protocol === 'wss:';
      if (isNetwork && !localHosts.has(hostname) && !localHosts.has(host)) externalRequests.push(request.url());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stopEngine?.();
  });

  function engineUrl(pathname: string): string {
    if (engine === undefined) throw new Error('engine did not start');
    return `${engine.url}${pathname}`;
  }

  const screenshot = (name: string) => saveScreenshot(page, name);

  it('redirects / to /prompts and shows the engine version and data provider in the footer', async () => {
    const configResponse = await fetch(engineUrl('/api/config'));
    expect(configResponse.status).toBe(200);
    const config = (await configResponse.json()) as { version: string; dataProvider: string };
    expect(config.dataProvider).toBe('postgresql');

    await page.goto(engineUrl('/'));
    await page.waitForURL(engineUrl('/prompts'));
    await page.getByTestId('page-prompts').waitFor();

    const footer = page.getByTestId('status-footer');
    await footer.getByText('Data: postgresql').waitFor();
    const footerText = await footer.innerText();
    expect(footerText).toContain(config.version);
    expect(footerText).toContain('postgresql');
    expect(footerText).toMatch(/AI: /);
  });

  it('opens every section from the sidebar and marks only its link as the current page', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const section of sections) {
      await nav.getByRole('link', { name: section.label, exact: true }).click();
      await page.waitForURL(engineUrl(section.path));
      await page.getByTestId(section.testId).waitFor();
      await page.getByRole('heading', { level: 1, name: section.label }).waitFor();

      const currentLinks = nav.locator('a[aria-current="page"]');
      expect(await currentLinks.count()).toBe(1);
      expect(await currentLinks.innerText()).toBe(section.label);
      expect(await page.title()).toBe(`${section.label} · ForPrompt`);
      await screenshot(section.path.slice(1));
    }
  });

  it('still shows the Traces page after a reload on /traces', async () => {
    await page.goto(engineUrl('/traces'));
    await page.reload();
    await page.getByTestId('page-traces').waitFor();
    const current = page.getByRole('navigation', { name: 'Main' }).locator('a[aria-current="page"]');
    expect(await current.innerText()).toBe('Traces');
    // The empty state (with the SDK snippet) appears once the trace list has loaded.
    await page.getByTestId('page-traces').getByText('@forprompt/sdk').first().waitFor();
    expect(await page.getByTestId('page-traces').innerText()).toContain('@forprompt/sdk');
  });

  it('fits a 1024 px wide window without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(engineUrl('/webhooks'));
    await page.getByTestId('page-webhooks').waitFor();
    const overflows = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflows).toBe(false);
    await screenshot('webhooks-1024');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows a friendly not-found page with a link home for an unknown path', async () => {
    await page.goto(engineUrl('/no-such-page'));
    const notFound = page.getByTestId('page-not-found');
    await notFound.waitFor();
    expect(await notFound.innerText()).toContain('/no-such-page');
    await screenshot('not-found');

    await notFound.getByRole('link', { name: /home/i }).click();
    await page.waitForURL(engineUrl('/prompts'));
    await page.getByTestId('page-prompts').waitFor();
  });

  it('answers an unknown API path with a JSON 404 instead of the dashboard', async () => {
    const response = await fetch(engineUrl('/api/nope'));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code).toBe('string');
    expect(typeof body.error?.message).toBe('string');
  });

  it('reads the API reference from the engine, from the link in Settings', async () => {
    await page.goto(engineUrl('/settings'));
    await page.getByRole('link', { name: 'API reference' }).click();
    await page.getByTestId('page-api-reference').waitFor();
    await page.getByTestId('api-operation').first().waitFor();
    const operations = await page.getByTestId('api-operation').allInnerTexts();
    expect(operations.some((text) => text.includes('/api/v1/prompts/{key}') && text.includes('API key'))).toBe(true);
    await page.getByTestId('api-filter').fill('snapshot');
    expect(await page.getByTestId('api-operation').count()).toBe(1);
    await screenshot('api-reference');
  });

  it('offers an empty project a setup prompt and each assistant’s MCP config exactly as "forprompt mcp config" prints it', async () => {
    const origin = engineUrl('');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await page.goto(engineUrl('/prompts'));
    const connect = page.getByTestId('connect-panel');
    await connect.getByTestId('connect-target').waitFor();
    expect(await connect.getByTestId('connect-target').innerText()).toBe(`Project Default project on ${origin}`);
    const setupPrompt = await connect.getByTestId('connect-setup-prompt').locator('pre').innerText();
    expect(setupPrompt).toContain(`ForPrompt runs at ${origin}, and this code belongs to its project "Default project"`);
    expect(setupPrompt).toContain('npm install @forprompt/sdk');
    expect(setupPrompt).toContain('npx forprompt pull');
    expect(await connect.getByTestId('connect-env').locator('pre').textContent()).toBe(`FORPROMPT_API_KEY=fp_proj_your_project_api_key\nFORPROMPT_BASE_URL=${origin}`);

    const mcpConfigText = () => connect.getByTestId('connect-mcp-config').locator('pre').textContent();
    // An empty directory, so no .env gives the CLI a key.
    const cwd = await temporaryDirectory('dashboard');
    try {
      for (const client of mcpClients) {
        await connect.getByTestId(`connect-tab-${client}`).click();
        expect(await connect.getByTestId(`connect-tab-${client}`).getAttribute('aria-selected')).toBe('true');
        const printed = await runCli(['mcp', 'config', client, '--base-url', origin], { cwd });
        expect(printed.code).toBe(0);
        expect(await mcpConfigText()).toBe(printed.stdout.trimEnd());
      }
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }

    await connect.getByRole('tab', { name: 'Cursor' }).click();
    const cursorConfig = (await mcpConfigText()) ?? '';
    const { forprompt } = (JSON.parse(cursorConfig) as McpServersConfig).mcpServers;
    expect(forprompt).toEqual({ command: 'npx', args: ['-y', 'forprompt', 'mcp', 'start'], env: { FORPROMPT_API_KEY: 'fp_proj_your_project_api_key', FORPROMPT_BASE_URL: origin } });
    expect(await connect.getByTestId('connect-setup-prompt').locator('pre').innerText()).toContain(cursorConfig);

    const copy = connect.getByRole('button', { name: 'Copy Cursor MCP config' });
    await copy.click();
    await connect.getByRole('button', { name: 'Copy Cursor MCP config' }).getByText('Copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(cursorConfig);
    await saveScreenshot(page, 'connect-empty-project', true);

    // Claude Desktop has the longest file hint: it wraps rather than widening the page.
    await page.setViewportSize({ width: 1024, height: 768 });
    await connect.getByRole('tab', { name: 'Claude Desktop' }).click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
    await saveScreenshot(page, 'connect-claude-desktop-1024', true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('fills a new key into the setup guide of its one-time dialog, but never into the setup prompt', async () => {
    await page.goto(engineUrl('/settings/api-keys'));
    await page.getByTestId('connect-panel').getByTestId('connect-target').waitFor();
    await page.getByTestId('create-api-key').click();
    await page.getByTestId('api-key-name').fill('laptop');
    await page.getByTestId('api-key-submit').click();
    const secret = await page.getByTestId('api-key-secret').inputValue();
    expect(secret).toMatch(/^fp_proj_/);

    const dialog = page.getByTestId('api-key-secret-dialog');
    await dialog.getByText('Set up your app and AI assistant with this key').click();
    await dialog.getByTestId('connect-tab-cursor').click();
    const cursorConfig = JSON.parse((await dialog.getByTestId('connect-mcp-config').locator('pre').textContent()) ?? '') as McpServersConfig;
    expect(cursorConfig.mcpServers.forprompt.env.FORPROMPT_API_KEY).toBe(secret);
    expect(await dialog.getByTestId('connect-env').locator('pre').textContent()).toBe(`FORPROMPT_API_KEY=${secret}\nFORPROMPT_BASE_URL=${engineUrl('')}`);
    expect(await dialog.getByTestId('connect-setup-prompt').locator('pre').innerText()).not.toContain(secret);
    await saveScreenshot(page, 'connect-new-key-dialog');

    // Keys are shown once: closed, the dialog takes the key with it; the panel below only ever has the placeholder.
    await page.getByTestId('api-key-secret-done').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('connect-panel').getByTestId('connect-env').locator('pre').textContent()).toContain('fp_proj_your_project_api_key');
    expect(await page.content()).not.toContain(secret);
    await saveScreenshot(page, 'connect-settings-api-keys', true);
  });

  it('logged no console errors and made no failed or external requests', () => {
    expect(observedRequests).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(externalRequests).toEqual([]);
  });
});
