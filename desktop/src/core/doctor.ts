import fs from 'node:fs/promises';
import pg from 'pg';
import { discoverContainerEngine } from './container-engine.js';
import type { Manager } from './manager.js';
import { OllamaModels } from './models.js';
import { isPortFree } from './ports.js';
import { errorMessage } from './tasks.js';

export interface DoctorCheck {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  /** What to do about a failure (or how to run a skipped check). */
  hint?: string;
}

const MIN_FREE_BYTES = 2 * 1024 ** 3;

/** The self-hosting guide's troubleshooting, as code: one line per check, each with a fix hint. */
export async function runDoctor(manager: Manager, options: { apiKey?: string } = {}): Promise<DoctorCheck[]> {
  const settings = await manager.settings();
  const checks: DoctorCheck[] = [];
  const check = async (name: string, run: () => Promise<Omit<DoctorCheck, 'name'>>) => {
    checks.push({ name, ...(await run().catch((error: unknown) => ({ status: 'fail' as const, detail: errorMessage(error) }))) });
  };

  await check('Container engine', async () => {
    if (settings.database === 'embedded' || settings.database === 'external') return { status: 'skip', detail: `not used (database: ${settings.database})` };
    const found = await discoverContainerEngine({ address: settings.containerHost });
    if (found.found) return { status: 'pass', detail: `${found.kind} ${found.version} at ${found.address}` };
    return settings.database === 'container'
      ? { status: 'fail', detail: found.summary, hint: 'Start Docker or Podman, or choose the embedded database in the settings.' }
      : { status: 'pass', detail: `none found; using the embedded database (${found.summary})` };
  });

  const status = await manager.status(settings);
  const { engine } = status;
  await check('Engine port', async () => {
    if (engine.state !== 'stopped') return { status: 'pass', detail: `in use by the engine (${engine.runtime.url})` };
    return (await isPortFree(settings.enginePort))
      ? { status: 'pass', detail: `${settings.enginePort} is free` }
      : { status: 'fail', detail: `${settings.enginePort} is taken by another program`, hint: 'Stop that program or set another enginePort in the settings.' };
  });

  await check('PostgreSQL', async () => {
    const databaseUrl = engine.state !== 'stopped' ? engine.runtime.databaseUrl : status.stack?.databaseUrl;
    if (!databaseUrl) return { status: 'fail', detail: 'the database is not running', hint: 'Run `forprompt-manager up`.' };
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ version: string }>('show server_version');
      return { status: 'pass', detail: `ready (PostgreSQL ${rows[0]?.version})` };
    } catch (error) {
      return { status: 'fail', detail: errorMessage(error), hint: 'Check `forprompt-manager logs --service postgres`.' };
    } finally {
      await client.end().catch(() => {});
    }
  });

  await check('Ollama', async () => {
    const url = status.stack?.ollamaUrl ?? settings.engineEnv.OLLAMA_BASE_URL;
    if (!url) return { status: 'skip', detail: 'not part of this install', hint: 'Enable Ollama in the settings to run models locally.' };
    const models = new OllamaModels(url);
    const present = await models.has(settings.ollamaModel);
    return present
      ? { status: 'pass', detail: `answering /api/tags at ${url}; ${settings.ollamaModel} present` }
      : { status: 'fail', detail: `answering at ${url}, but ${settings.ollamaModel} is not pulled`, hint: `forprompt-manager models pull ${settings.ollamaModel}` };
  });

  await check('Engine', async () => {
    if (engine.state === 'running') return { status: 'pass', detail: `ready at ${engine.runtime.url} (v${engine.runtime.version})` };
    if (engine.state === 'stopped') return { status: 'fail', detail: engine.reason, hint: 'Run `forprompt-manager up`.' };
    return { status: 'fail', detail: `${engine.state}: ${engine.detail ?? ''}`, hint: 'See `forprompt-manager logs`.' };
  });

  await check('Disk space', async () => {
    await fs.mkdir(manager.home, { recursive: true });
    const stats = await fs.statfs(manager.home);
    const free = stats.bavail * stats.bsize;
    const detail = `${(free / 1024 ** 3).toFixed(1)} GB free in ${manager.home}`;
    return free >= MIN_FREE_BYTES ? { status: 'pass', detail } : { status: 'fail', detail, hint: 'Free some space: backups and the database need room to grow.' };
  });

  await check('CORS origins', async () => {
    const value = settings.engineEnv.CORS_ORIGINS ?? process.env.CORS_ORIGINS;
    if (!value) return { status: 'pass', detail: 'none configured (only the dashboard’s own origin is allowed)' };
    const wrong = value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '*' && !isOrigin(origin));
    return wrong.length === 0
      ? { status: 'pass', detail: value }
      : { status: 'fail', detail: `not origins: ${wrong.join(', ')}`, hint: 'An origin is scheme://host[:port] with no path or trailing slash, e.g. https://app.example.com' };
  });

  await check('API key', async () => {
    if (!options.apiKey) return { status: 'skip', detail: 'no key given', hint: 'Pass --api-key fp_proj_… (or set FORPROMPT_API_KEY) to test one.' };
    if (engine.state !== 'running') return { status: 'fail', detail: 'the engine is not running', hint: 'Run `forprompt-manager up`.' };
    const response = await fetch(new URL('/api/v1/prompts', engine.runtime.url), { headers: { 'x-api-key': options.apiKey }, signal: AbortSignal.timeout(5_000) });
    return response.ok
      ? { status: 'pass', detail: 'accepted by /api/v1/prompts' }
      : { status: 'fail', detail: `refused (HTTP ${response.status})`, hint: 'Create a key in the dashboard (Settings › API keys); keys are shown once.' };
  });
  return checks;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}
