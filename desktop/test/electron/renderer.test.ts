/// <reference lib="dom" />
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './browser.js';
import type { TaskView } from '../../src/electron/bridge.js';
import { installFakeBridge, type FakeBridgeState } from './fake-bridge.js';

const rendererConfig = fileURLToPath(new URL('../../src/electron/renderer/vite.config.ts', import.meta.url));
const contentTypes: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

const runningStatus: FakeBridgeState['status'] = {
  engine: { state: 'running', url: 'http://127.0.0.1:3000', version: '0.1.0', dataProvider: 'postgresql' },
  database: 'container',
  databaseChoice: 'auto',
  stack: {
    name: 'forprompt',
    healthy: true,
    services: [{ service: 'postgres', container: 'forprompt-postgres', state: 'running', health: 'healthy', image: 'postgres:16-alpine', hostPort: 54330 }],
  },
  firstRun: false,
};

const settings: FakeBridgeState['settings'] = { database: 'auto', withOllama: false, ollamaModel: 'llama3.1', enginePort: 3000, backups: { everyHours: 24, keep: 7 }, engineEnv: {} };

function state(overrides: Partial<FakeBridgeState> = {}): FakeBridgeState {
  return { status: runningStatus, tasks: [], backups: [], settings, chosenFile: null, ...overrides };
}

function pullTask(progress: TaskView['progress'], taskState: TaskView['state'] = 'running'): TaskView {
  return { id: 'pull-1', kind: 'model-pull', title: 'Pull llama3.1', state: taskState, progress, startedAt: new Date(Date.now() - 5_000).toISOString(), ...(taskState === 'running' ? {} : { endedAt: new Date().toISOString(), outcome: 'Pulled llama3.1' }) };
}

describe('the manager window (renderer) in Chromium, against a fake bridge', () => {
  let outDir: string;
  let server: http.Server;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'forprompt-renderer-'));
    await build({ configFile: rendererConfig, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    server = http.createServer((request, response) => {
      const file = path.join(outDir, path.normalize(new URL(request.url ?? '/', 'http://x').pathname));
      fs.readFile(file).then(
        (body) => response.writeHead(200, { 'content-type': contentTypes[path.extname(file)] ?? 'application/octet-stream' }).end(body),
        () => response.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await fs.rm(outDir, { recursive: true, force: true });
  });

  async function open(initial: FakeBridgeState) {
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
    await page.addInitScript(installFakeBridge, initial);
    await page.goto(`${baseUrl}/index.html`);
  }

  const calls = (name: string) => page.evaluate((wanted) => window.fakeBridge.calls.filter(([called]) => called === wanted), name);
  const emitTask = (task: TaskView) => page.evaluate((changed) => window.fakeBridge.emitTask(changed), task);

  beforeEach(async () => {
    await page?.close();
  });

  it('shows the stack’s status: the engine, its URL and the database containers', async () => {
    await open(state());
    await expect.poll(() => page.getByText('http://127.0.0.1:3000 · v0.1.0').isVisible()).toBe(true);
    expect(await page.getByRole('cell', { name: 'forprompt-postgres' }).isVisible()).toBe(true);
    expect(await page.getByText('127.0.0.1:54330').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Open dashboard' }).isEnabled()).toBe(true);
    await screenshot(page, 'desktop-manager-status');
    expect(pageErrors).toEqual([]);
  });

  it('says plainly when the embedded database stands in for a missing container engine, and why', async () => {
    const reason = 'No container engine answered: /var/run/docker.sock: not present; podman (rootless): not present';
    await open(state({ status: { engine: { state: 'stopped', reason: 'no engine has been started' }, database: 'embedded', databaseChoice: 'auto', databaseReason: reason, firstRun: false } }));
    const notice = page.getByTestId('embedded-fallback');
    await expect.poll(() => notice.isVisible()).toBe(true);
    const text = await notice.innerText();
    expect(text).toContain('No container engine was found, so ForPrompt uses its embedded PostgreSQL database.');
    expect(text).toContain(reason);
    expect(await page.getByRole('button', { name: 'Start' }).isVisible()).toBe(true);
    await screenshot(page, 'desktop-manager-embedded-fallback');
  });

  it('shows a running task’s progress bar, and one bar per layer of a pull, as progress arrives', async () => {
    await open(state());
    await page.getByRole('button', { name: 'Models' }).waitFor();
    await page.getByRole('button', { name: /^Tasks/ }).click();
    await expect.poll(() => page.getByText('No tasks yet').isVisible()).toBe(true);

    await emitTask(pullTask({ message: 'llama3.1: pulling', fraction: 0.25, layers: { 'sha256:aaaa': { status: 'downloading', current: 25, total: 100 }, 'sha256:bbbb': { status: 'waiting' } } }));
    const bar = page.getByRole('progressbar', { name: 'Pull llama3.1' });
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('25');
    expect(await page.getByRole('progressbar', { name: /^Layer / }).count()).toBe(2);
    expect(await page.getByRole('progressbar', { name: 'Layer aaaa' }).getAttribute('aria-valuenow')).toBe('25');

    await emitTask(pullTask({ message: 'llama3.1: pulling', fraction: 0.75, layers: { 'sha256:aaaa': { status: 'download complete', current: 100, total: 100 }, 'sha256:bbbb': { status: 'downloading', current: 50, total: 100 } } }));
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('75');
    expect(await page.getByRole('progressbar', { name: 'Layer bbbb' }).getAttribute('aria-valuenow')).toBe('50');
    await screenshot(page, 'desktop-manager-task-progress');

    // The task follows the user to another page and back.
    await page.getByRole('button', { name: 'Status' }).click();
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('75');
    await page.getByRole('button', { name: /^Tasks/ }).click();

    await emitTask(pullTask({ message: 'Done', fraction: 1 }, 'done'));
    await expect.poll(() => page.getByRole('row', { name: /Pull llama3.1 done Pulled llama3.1/ }).isVisible()).toBe(true);
    expect(await bar.count()).toBe(0);
  });

  it('lists the backups of both formats and restores one only after confirmation', async () => {
    const backups = [
      { file: '/home/admin/.local/share/forprompt/backups/forprompt-2026-05-02T03-00-00-000Z.dump', bytes: 4_200_000, createdAt: '2026-05-02T03:00:00.000Z', format: 'pg_dump' as const },
      { file: '/home/admin/.local/share/forprompt/backups/forprompt-2026-05-01T03-00-00-000Z.fpbackup', bytes: 5_100_000, createdAt: '2026-05-01T03:00:00.000Z', format: 'fpbackup' as const },
    ];
    await open(state({ backups }));
    await page.getByRole('button', { name: 'Backups' }).click();
    const rows = page.getByRole('row', { name: /forprompt-2026/ });
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toContain('pg_dump (container)');
    expect(await rows.nth(1).innerText()).toContain('Portable archive');

    await rows.nth(1).getByRole('button', { name: 'Restore…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.innerText()).toContain('forprompt-2026-05-01T03-00-00-000Z.fpbackup');
    await screenshot(page, 'desktop-manager-restore-confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await calls('restoreBackup')).toEqual([]);

    await rows.nth(1).getByRole('button', { name: 'Restore…' }).click();
    await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect.poll(() => calls('restoreBackup')).toEqual([['restoreBackup', backups[1]!.file]]);

    await page.getByRole('button', { name: 'Back up now' }).click();
    await expect.poll(() => calls('backupNow')).toEqual([['backupNow', 'fpbackup']]);
    await page.getByRole('button', { name: 'Back up with pg_dump' }).click();
    await expect.poll(() => calls('backupNow')).toEqual([['backupNow', 'fpbackup'], ['backupNow', 'pg_dump']]);
  });

  it('says what to do when there are no backups yet, and offers pg_dump only with containers', async () => {
    await open(state({ status: { ...runningStatus, database: 'embedded', stack: undefined } }));
    await page.getByRole('button', { name: 'Backups' }).click();
    await expect.poll(() => page.getByText('No backups yet').isVisible()).toBe(true);
    expect(await page.getByText('Click “Back up now” to write one.').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Back up with pg_dump' }).count()).toBe(0);
  });

  it('offers Start and Restore from a backup on first run', async () => {
    await open(state({ status: { engine: { state: 'stopped', reason: 'no engine has been started for this data directory' }, database: 'embedded', databaseChoice: 'auto', firstRun: true }, chosenFile: '/home/admin/Downloads/old-server.fpbackup' }));
    await expect.poll(() => page.getByRole('heading', { name: 'Welcome to ForPrompt' }).isVisible()).toBe(true);
    await screenshot(page, 'desktop-manager-first-run');
    await page.getByRole('button', { name: 'Restore from a backup' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect.poll(() => calls('restoreBackup')).toEqual([['restoreBackup', '/home/admin/Downloads/old-server.fpbackup']]);

    await page.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => calls('up')).toHaveLength(1);
  });

  it('installs an offline update file only after confirmation', async () => {
    await open(state({ chosenFile: '/media/usb/forprompt-0.2.0.fpupdate' }));
    await page.getByRole('button', { name: 'Update' }).click();
    await page.getByRole('button', { name: 'Install an update file…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Install this update?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await calls('applyUpdateBundle')).toEqual([]);
    await dialog.getByRole('button', { name: 'Update', exact: true }).click();
    await expect.poll(() => calls('applyUpdateBundle')).toEqual([['applyUpdateBundle', '/media/usb/forprompt-0.2.0.fpupdate']]);
  });

  it('saves a Convex deployment URL and AI keys into the engine’s environment', async () => {
    await open(state());
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Convex deployment').check();
    await page.getByLabel('Convex deployment URL').fill('https://happy-otter-123.convex.cloud');
    await page.getByLabel('OpenAI API key').fill('sk-test');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText('Saved.').isVisible()).toBe(true);
    const [[, patch]] = (await calls('saveSettings')) as [[string, { engineEnv: Record<string, string>; database: string }]];
    expect(patch.engineEnv).toEqual({ DATA_PROVIDER: 'convex', CONVEX_URL: 'https://happy-otter-123.convex.cloud', OPENAI_API_KEY: 'sk-test' });
    expect(patch.database).toBe('auto');
  });
});
