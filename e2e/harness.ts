import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from './browser.js';
import { createTestDatabase } from '../engine/test/helpers/db.js';
import { startEngine, type RunningEngine } from '../engine/test/helpers/engine-process.js';

export { launchBrowser, screenshot, screenshotDir } from './browser.js';

/** A built engine on a fresh database (external PostgreSQL) with its own home directory. */
export async function startTestEngine(extraEnv: Record<string, string> = {}): Promise<{ engine: RunningEngine; databaseUrl: string; stop(): Promise<void> }> {
  const database = await createTestDatabase();
  const home = await mkdtemp(path.join(tmpdir(), 'forprompt-e2e-'));
  let engine: RunningEngine | undefined;
  const stop = async () => {
    await engine?.stop();
    await database.drop();
    await rm(home, { recursive: true, force: true });
  };
  try {
    engine = await startEngine({
      env: {
        DATA_PROVIDER: 'postgresql',
        DATABASE_URL: database.url,
        FORPROMPT_HOME: home,
        ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        ...extraEnv,
      },
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { engine, databaseUrl: database.url, stop };
}

/** The signed-in user's CSRF header and first project, through the dashboard API (the page's cookies). */
export async function firstProjectApi(page: Page, engineUrl: string): Promise<{ headers: { 'X-CSRF-Token': string }; projectPath: string }> {
  const state = (await (await page.request.get(`${engineUrl}/api/dashboard/auth/state`)).json()) as { csrfToken: string; organizations: { id: string }[] };
  const organizationId = state.organizations[0]!.id;
  const projects = (await (await page.request.get(`${engineUrl}/api/dashboard/orgs/${organizationId}/projects`)).json()) as { projects: { id: string }[] };
  return { headers: { 'X-CSRF-Token': state.csrfToken }, projectPath: `${engineUrl}/api/dashboard/orgs/${organizationId}/projects/${projects.projects[0]!.id}` };
}

/**
 * Creates an API key for the signed-in user's first project through the dashboard API (the page's
 * cookies), as a user would in Settings › API keys; answers its secret.
 */
export async function createProjectApiKey(page: Page, engineUrl: string, name = 'e2e'): Promise<string> {
  const { headers, projectPath } = await firstProjectApi(page, engineUrl);
  const created = await page.request.post(`${projectPath}/api-keys`, { headers, data: { name } });
  if (created.status() !== 201) throw new Error(`Creating an API key answered ${created.status()}: ${await created.text()}`);
  return ((await created.json()) as { secret: string }).secret;
}

/** Creates a text prompt with its first version in the signed-in user's first project, through the dashboard API. */
export async function createTextPrompt(page: Page, engineUrl: string, prompt: { key: string; name: string; template: string }): Promise<void> {
  const { headers, projectPath } = await firstProjectApi(page, engineUrl);
  const created = await page.request.post(`${projectPath}/prompts`, { headers, data: prompt });
  if (created.status() !== 201) throw new Error(`Creating prompt "${prompt.key}" answered ${created.status()}: ${await created.text()}`);
}

export interface DashboardSession {
  page: Page;
  /** The engine's address followed by `pathname`. */
  engineUrl(pathname?: string): string;
  /** Saves test-results/screenshots/<screenshotPrefix>-<name>.png. */
  screenshot(name: string, fullPage?: boolean): Promise<void>;
  /** Messages of errors the page threw and nothing caught. */
  uncaughtErrors: string[];
  /** The engine's database, for state no API writes yet (e.g. AI reports). */
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * A fresh engine, a 1280×800 page collecting uncaught errors, and the first-run setup done through
 * the API (it signs this page in), for files that test a dashboard feature rather than onboarding.
 */
export async function startDashboardSession(options: { screenshotPrefix: string; /** Extra engine environment (e.g. an AI provider). */ env?: Record<string, string> }): Promise<DashboardSession> {
  const { engine, databaseUrl, stop: stopEngine } = await startTestEngine(options.env);
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await stopEngine();
  };
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const uncaughtErrors: string[] = [];
    page.on('pageerror', (error) => uncaughtErrors.push(error.message));
    const engineUrl = (pathname = '') => `${engine.url}${pathname}`;
    const setup = await page.request.post(engineUrl('/api/dashboard/auth/setup'), {
      data: { email: 'owner@example.com', password: 'correct horse battery', organizationName: 'Acme', projectName: 'Support bot' },
    });
    if (setup.status() !== 201) throw new Error(`First-run setup answered ${setup.status()}: ${await setup.text()}`);
    return {
      page,
      engineUrl,
      screenshot: (name, fullPage = false) => screenshot(page, `${options.screenshotPrefix}-${name}`, fullPage),
      uncaughtErrors,
      databaseUrl,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
