import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeEngine } from './runtime.js';

describe('probeEngine', () => {
  let home: string;
  let server: http.Server | undefined;
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-desktop-'));
  });
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    await fs.rm(home, { recursive: true, force: true });
  });

  async function serve(status: number, body: unknown): Promise<string> {
    server = http.createServer((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const writeRuntime = (url: string, pid = process.pid) =>
    fs.writeFile(path.join(home, 'runtime.json'), JSON.stringify({ pid, url, dataProvider: 'embedded', version: '0.1.0', startedAt: new Date().toISOString() }));

  it('reports stopped when no engine has written a runtime file', async () => {
    expect(await probeEngine(home)).toMatchObject({ state: 'stopped' });
  });

  it('reports running when the recorded engine answers /readyz', async () => {
    await writeRuntime(await serve(200, { status: 'ready' }));
    expect(await probeEngine(home)).toMatchObject({ state: 'running', runtime: { dataProvider: 'embedded' } });
  });

  it('reports unhealthy with the engine’s reason when /readyz refuses', async () => {
    await writeRuntime(await serve(503, { error: { code: 'migrations_pending', message: 'Database migrations are pending' } }));
    expect(await probeEngine(home)).toMatchObject({ state: 'unhealthy', detail: 'Database migrations are pending' });
  });

  it('reports stopped when the recorded process has exited', async () => {
    await writeRuntime('http://127.0.0.1:9', 2 ** 22 + 12345);
    expect(await probeEngine(home)).toMatchObject({ state: 'stopped', reason: expect.stringContaining('no longer running') });
  });
});
