import fs from 'node:fs/promises';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../e2e/harness.js';
import { savePrompt, startTestEngine, type TestEngine } from './helpers/engine.js';

const distDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

/** The built ES modules (sdk/dist) as a page would load them, and an empty page to load them into. */
async function startStaticServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><title>ForPrompt SDK in a browser</title><script type="module">import * as sdk from '/sdk/index.js'; window.sdk = sdk;</script>`);
      return;
    }
    const file = path.join(distDirectory, path.normalize(pathname.replace(/^\/sdk\//, '/')));
    if (!pathname.startsWith('/sdk/') || !file.startsWith(distDirectory) || file.startsWith(path.join(distDirectory, 'cjs'))) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await fs.readFile(file);
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'application/json' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface PageResult {
  text: string;
  version: number;
  source: string;
  typeofProcess: string;
}

/** Runs in the page, which loaded the SDK's ES build as a module: fetches (and compiles) a prompt. */
function fetchPromptInPage(page: Page, engineUrl: string, apiKey: string): Promise<PageResult> {
  return page.evaluate(
    async ({ engineUrl, apiKey }) => {
      const { sdk } = window as unknown as { sdk: typeof import('../src/index.js') };
      const fp = sdk.createForPrompt({ apiKey, baseUrl: `${engineUrl}/api`, maxRetries: 0, timeoutMs: 2_000 });
      const prompt = await fp.getPrompt('browser-greeting', { type: 'text' });
      return { text: prompt.compile({ name: 'Browser' }), version: prompt.version, source: prompt.source, typeofProcess: typeof (globalThis as { process?: unknown }).process };
    },
    { engineUrl, apiKey },
  );
}

describe('the SDK in a browser (Chromium)', () => {
  let engine: TestEngine;
  let site: Awaited<ReturnType<typeof startStaticServer>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    site = await startStaticServer();
    engine = await startTestEngine({ CORS_ORIGINS: site.origin });
    await savePrompt(engine, { key: 'browser-greeting', template: 'Hello {{name}} from the browser', labels: ['production'] });
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(site.origin);
    await page.waitForFunction(() => 'sdk' in window);
  });
  afterAll(async () => {
    await browser?.close();
    await engine?.dispose();
    await site?.close();
  });

  it('loads the ES module build and fetches a prompt across origins', async () => {
    expect(await fetchPromptInPage(page, engine.url, engine.apiKey)).toEqual({ text: 'Hello Browser from the browser', version: 1, source: 'server', typeofProcess: 'undefined' });
  });

  it('sends traces from the page', async () => {
    const traceId = await page.evaluate(
      async ({ engineUrl, apiKey }) => {
        const { sdk } = window as unknown as { sdk: typeof import('../src/index.js') };
        const fp = new sdk.ForPrompt({ apiKey, baseUrl: engineUrl });
        const trace = fp.trace({ name: 'from the browser' });
        trace.generation({ model: 'in-page', input: 'hi', output: 'hello' });
        trace.end();
        const stats = await fp.flush();
        if (stats.sent !== 3) throw new Error(`sent ${JSON.stringify(stats)}`);
        return trace.id;
      },
      { engineUrl: engine.url, apiKey: engine.apiKey },
    );
    const stored = (await (await engine.call(`/api/v1/traces/${traceId}`)).json()) as { spanCount: number; status: string };
    expect(stored).toMatchObject({ spanCount: 1, status: 'completed' });
  });

  it('serves the prompt after a reload with the engine stopped, from IndexedDB', async () => {
    await engine.stop();
    await page.reload();
    await page.waitForFunction(() => 'sdk' in window);
    expect(await fetchPromptInPage(page, engine.url, engine.apiKey)).toMatchObject({ text: 'Hello Browser from the browser', version: 1, source: 'server' });
  });
});
