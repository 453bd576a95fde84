import { expect } from 'vitest';
import { createPostgresProvider } from '../../src/data/postgres/provider.js';
import type { DataProvider } from '../../src/data/provider.js';
import { Api, type Credentials } from '../access/http-client.js';
import { serveApp, silentLogger, testConfig } from './app.js';
import { createTestDatabase } from './db.js';
import { startFakeLlm, type FakeLlm } from './fake-llm.js';

/** What the AI editing tests share: one engine with AI (a local OpenAI-wire server), one without, an owner and their project. */
export interface EditingWorld {
  provider: DataProvider;
  fake: FakeLlm;
  withAi: { api: Api; url: string };
  withoutAi: { api: Api; url: string };
  owner: Credentials & { userId: string };
  orgId: string;
  projectId: string;
  close(): Promise<void>;
}

export async function startEditingWorld(): Promise<EditingWorld> {
  const database = await createTestDatabase();
  const provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
  const fake = await startFakeLlm();
  const withAiServer = await serveApp(provider, { config: testConfig({ OPENAI_API_KEY: 'sk-instance-0123456789', OPENAI_BASE_URL: `${fake.url}/v1` }) });
  const withoutAiServer = await serveApp(provider, { config: testConfig({}) });
  const withAi = new Api(withAiServer.url);
  const setup = await withAi.post<{ csrfToken: string; user: { id: string }; organizations: Array<{ id: string }> }>('/api/dashboard/auth/setup', {
    email: 'owner@example.com',
    password: 'a long enough password',
    organizationName: 'Acme',
    projectName: 'Bot',
  });
  expect(setup.status).toBe(201);
  const orgId = setup.body.organizations[0]!.id;
  return {
    provider,
    fake,
    withAi: { api: withAi, url: withAiServer.url },
    withoutAi: { api: new Api(withoutAiServer.url), url: withoutAiServer.url },
    owner: { cookie: String(setup.headers['set-cookie']).split(';')[0]!, csrfToken: setup.body.csrfToken, userId: setup.body.user.id },
    orgId,
    projectId: (await provider.projects.list(orgId))[0]!.id,
    async close() {
      await withAiServer.close();
      await withoutAiServer.close();
      await fake.close();
      await provider.close();
      await database.drop();
    },
  };
}
