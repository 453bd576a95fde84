import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../engine/test/helpers/db.js';
import { startEngine, type RunningEngine } from '../engine/test/helpers/engine-process.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const screenshotDir = path.join(repoRoot, 'test-results/screenshots');

const sections = [
  { label: 'Prompts', path: '/prompts', testId: 'page-prompts' },
  { label: 'Traces', path: '/traces', testId: 'page-traces' },
  { label: 'Analytics', path: '/analytics', testId: 'page-analytics' },
  { label: 'Tools', path: '/tools', testId: 'page-tools' },
  { label: 'Webhooks', path: '/webhooks', testId: 'page-webhooks' },
  { label: 'Settings', path: '/settings', testId: 'page-settings' },
] as const;

const localHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

describe('dashboard in a browser', () => {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let home: string | undefined;
  let engine: RunningEngine | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  const externalRequests: string[] = [];
  let observedRequests = 0;

  beforeAll(async () => {
    const testDatabase = await createTestDatabase();
    database = testDatabase;
    home = await mkdtemp(path.join(tmpdir(), 'forprompt-e2e-'));
    engine = await startEngine({
      env: {
        DATA_PROVIDER: 'postgresql',
        DATABASE_URL: testDatabase.url,
        FORPROMPT_HOME: home,
        ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      },
    });
    await mkdir(screenshotDir, { recursive: true });

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
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
    await engine?.stop();
    await database?.drop();
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  });

  function engineUrl(pathname: string): string {
    if (engine === undefined) throw new Error('engine did not start');
    return `${engine.url}${pathname}`;
  }

  async function screenshot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  }

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

  it('logged no console errors and made no failed or external requests', () => {
    expect(observedRequests).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(externalRequests).toEqual([]);
  });
});
