import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase } from '../engine/test/helpers/db.js';
import { startEngine, type RunningEngine } from '../engine/test/helpers/engine-process.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const screenshotDir = path.join(repoRoot, 'test-results/screenshots');

/** A built engine on a fresh database (external PostgreSQL) with its own home directory. */
export async function startTestEngine(extraEnv: Record<string, string> = {}): Promise<{ engine: RunningEngine; stop(): Promise<void> }> {
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
  await mkdir(screenshotDir, { recursive: true });
  return { engine, stop };
}

/** The system Chromium, headless, with nothing that phones home. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
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
}

/**
 * Saves test-results/screenshots/<name>.png. `fullPage` grows the window to the page's height
 * instead of stitching, so the sticky sidebar and footer stay where a user sees them.
 */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  const file = path.join(screenshotDir, `${name}.png`);
  const viewport = page.viewportSize();
  const height = fullPage ? await page.evaluate(() => document.documentElement.scrollHeight) : 0;
  if (!viewport || height <= viewport.height) {
    await page.screenshot({ path: file });
    return;
  }
  await page.setViewportSize({ width: viewport.width, height });
  await page.screenshot({ path: file });
  await page.setViewportSize(viewport);
}
