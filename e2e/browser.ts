import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

// The browser of every browser test (e2e/ and the desktop renderer's), apart from the harness's engine
// and database helpers so that other packages' tests can import it alone.
export const screenshotDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-results/screenshots');

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
  await mkdir(screenshotDir, { recursive: true });
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
