import { generateKeyPairSync } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startTestEngine } from './harness.js';

/**
 * Clerk mode loads Clerk's browser script from Clerk's servers, which this machine cannot reach, so
 * this test checks our side only: the dashboard loads the Clerk bundle with the engine's publishable
 * key, asks Clerk's Frontend API host (which the test intercepts: nothing leaves the machine), and
 * shows a calm loading state instead of local sign-in.
 */
describe('the dashboard in Clerk mode', () => {
  let browser: Browser;
  let running: Awaited<ReturnType<typeof startTestEngine>>;

  beforeAll(async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    running = await startTestEngine({
      AUTH_PROVIDER: 'clerk',
      CLERK_PUBLISHABLE_KEY: 'pk_test_Y2xlcmsuZXhhbXBsZS5jb20k',
      CLERK_JWT_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it("loads Clerk with the engine's publishable key instead of the local sign-in form", async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, async (route) => {
      external.push(route.request().url());
      await route.abort();
    });
    await page.goto(running.engine.url);
    await expect.poll(() => page.locator('[data-testid="clerk-loading"]').isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => external.some((url) => url.startsWith('https://clerk.example.com/')), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('[data-testid="sign-in-email"]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
