import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProvider } from '../src/data/postgres/provider.js';
import type { DataProvider } from '../src/data/provider.js';
import { createTestDatabase } from './helpers/db.js';
import { runEngineToExit, startEngine } from './helpers/engine-process.js';

const apiKey = `fp_proj_${'Init0'.repeat(6)}ab`;

describe('headless initialization (FORPROMPT_INIT_*)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let home: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: pino({ level: 'silent' }) });
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-init-'));
  });
  afterAll(async () => {
    await provider.close();
    await database.drop();
    await fs.rm(home, { recursive: true, force: true });
  });

  const env = () => ({
    DATA_PROVIDER: 'postgresql',
    DATABASE_URL: database.url,
    ENCRYPTION_KEY: 'ef'.repeat(32),
    FORPROMPT_HOME: home,
    FORPROMPT_INIT_USER_EMAIL: 'Admin@Example.com',
    FORPROMPT_INIT_USER_PASSWORD: 'unattended-secret-1',
    FORPROMPT_INIT_ORG_NAME: 'Acme',
    FORPROMPT_INIT_PROJECT_NAME: 'Production',
    FORPROMPT_INIT_PROJECT_API_KEY: apiKey,
  });

  it('creates what is missing, and a restart (or a second replica) changes nothing', async () => {
    const engines = await Promise.all([startEngine({ env: env() }), startEngine({ env: env() })]);
    try {
      const project = await fetch(`${engines[0]!.url}/api/v1/project`, { headers: { 'X-API-Key': apiKey } });
      expect(project.status).toBe(200);
      expect(await project.json()).toMatchObject({ name: 'Production' });
    } finally {
      await Promise.all(engines.map((engine) => engine.stop()));
    }
    const restarted = await startEngine({ env: env() });
    await restarted.stop();

    const user = await provider.users.findByEmail('admin@example.com');
    expect(user).not.toBeNull();
    const organizations = await provider.orgs.listForUser(user!.id);
    expect(organizations.map((organization) => [organization.name, organization.role])).toEqual([['Acme', 'owner']]);
    const projects = await provider.projects.list(organizations[0]!.id);
    expect(projects.map((project) => project.name)).toEqual(['Production']);
    expect(await provider.apiKeys.list(organizations[0]!.id, projects[0]!.id)).toHaveLength(1);
    expect((await provider.audit.list(organizations[0]!.id, { action: 'instance.initialized' })).length).toBe(1);
  }, 60_000);

  it('finds what it created after a rename, instead of creating it again', async () => {
    const user = await provider.users.findByEmail('admin@example.com');
    const [organization] = await provider.orgs.listForUser(user!.id);
    await provider.orgs.rename({ actor: { type: 'system' } }, organization!.id, 'Acme Inc');
    const [project] = await provider.projects.list(organization!.id);
    await provider.projects.update({ actor: { type: 'system' } }, organization!.id, project!.id, { name: 'Prod' });
    const engine = await startEngine({ env: env() });
    await engine.stop();
    expect((await provider.orgs.listForUser(user!.id)).map((entry) => entry.name)).toEqual(['Acme Inc']);
    expect((await provider.projects.list(organization!.id)).map((entry) => entry.name)).toEqual(['Prod']);
  });

  it('signs in with the initial password', async () => {
    const engine = await startEngine({ env: env() });
    try {
      const response = await fetch(`${engine.url}/api/dashboard/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@example.com', password: 'unattended-secret-1' }),
      });
      expect(response.status).toBe(200);
    } finally {
      await engine.stop();
    }
  });

  it('stops the boot on an invalid value, naming it', async () => {
    const { code, output } = await runEngineToExit({ ...env(), FORPROMPT_INIT_PROJECT_API_KEY: 'fp_proj_short', FORPROMPT_INIT_ORG_NAME: '' });
    expect(code).toBe(1);
    expect(output).toContain('FORPROMPT_INIT_PROJECT_API_KEY: expected a full project key');
    expect(output).toContain('FORPROMPT_INIT_ORG_NAME: required when FORPROMPT_INIT_PROJECT_NAME is set');
  });
});
