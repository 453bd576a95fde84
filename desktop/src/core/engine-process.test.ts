import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineCommandError, EngineSupervisor, runEngineCommand, type EngineLaunch, type SupervisorState } from './engine-process.js';
import { RotatingLog } from './rotating-log.js';
import { isAlive, readRuntimeFile } from './runtime.js';

const fakeEngine = fileURLToPath(new URL('../../test/fixtures/fake-engine.mjs', import.meta.url));

describe('engine supervision', () => {
  let home: string;
  let supervisor: EngineSupervisor | undefined;
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-supervisor-'));
  });
  afterEach(async () => {
    await supervisor?.stop();
    supervisor = undefined;
    await fs.rm(home, { recursive: true, force: true });
  });

  const launch = (env: Record<string, string> = {}): EngineLaunch => ({ entry: fakeEngine, home, env: { ...process.env, ...env } });
  const log = () => new RotatingLog(path.join(home, 'logs', 'engine.log'));

  it('starts the engine, waits for /readyz, and stops it on request', async () => {
    supervisor = new EngineSupervisor({ launch: launch(), log: log() });
    const { url, pid } = await supervisor.start();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(supervisor.state).toMatchObject({ state: 'running', url });
    await supervisor.stop();
    expect(isAlive(pid)).toBe(false);
    expect(await readRuntimeFile(home)).toBeNull();
  });

  it('restarts the engine with backoff after it crashes', async () => {
    const counter = path.join(home, 'starts');
    supervisor = new EngineSupervisor({ launch: launch({ FAKE_ENGINE_COUNTER: counter }), log: log(), backoffMs: 50 });
    const states: SupervisorState[] = [];
    supervisor.on('state', (state) => states.push(state));
    const first = await supervisor.start();
    process.kill(first.pid, 'SIGKILL');
    await expect.poll(() => states.filter((state) => state.state === 'running').length, { timeout: 15_000 }).toBe(2);
    expect(states.map((state) => state.state)).toEqual(['starting', 'running', 'restarting', 'starting', 'running']);
    const second = supervisor.state as Extract<SupervisorState, { state: 'running' }>;
    expect(second.pid).not.toBe(first.pid);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
  });

  it('gives up after repeated crashes and says why', async () => {
    const crashFile = path.join(home, 'crash');
    supervisor = new EngineSupervisor({ launch: launch({ FAKE_ENGINE_CRASH_FILE: crashFile }), log: log(), backoffMs: 20, maxCrashes: 3 });
    const first = await supervisor.start();
    // From now on every start crashes at once.
    await fs.writeFile(crashFile, '');
    process.kill(first.pid, 'SIGKILL');
    await expect.poll(() => supervisor!.state.state, { timeout: 15_000 }).toBe('crashed');
    expect(supervisor.state).toMatchObject({ reason: expect.stringContaining('the fake engine was told to crash') });
    expect((supervisor.state as { reason: string }).reason).toContain('gave up after 3 crashes');
  });

  it('refuses a start whose engine exits, with the engine’s own reason', async () => {
    supervisor = new EngineSupervisor({ launch: launch({ FAKE_ENGINE_BEHAVIOUR: 'crash' }), log: log() });
    await expect(supervisor.start()).rejects.toThrow(/the fake engine was told to crash/);
    expect(supervisor.state.state).toBe('crashed');
  });

  it('names the failing migration and keeps the engine stopped', async () => {
    const error = await runEngineCommand(launch({ FAKE_MIGRATION_FAILS: '1' }), ['--migrate-only']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EngineCommandError);
    expect((error as Error).message).toBe('Migration 0010_broken failed: syntax error at or near "oops"');
    expect(await readRuntimeFile(home)).toBeNull();
  });

  it('writes the engine’s output to a size-capped rotating log', async () => {
    const capped = new RotatingLog(path.join(home, 'logs', 'engine.log'), 200, 2);
    for (let index = 0; index < 20; index++) capped.write(`line ${index} ${'x'.repeat(40)}\n`);
    capped.close();
    const files = (await fs.readdir(path.join(home, 'logs'))).sort();
    expect(files).toEqual(['engine.log', 'engine.log.1', 'engine.log.2']);
    for (const file of files) expect((await fs.stat(path.join(home, 'logs', file))).size).toBeLessThanOrEqual(200);
    expect(capped.tail(2)).toContain('line 19');
  });
});
