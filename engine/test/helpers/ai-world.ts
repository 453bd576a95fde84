import { expect } from 'vitest';
import type { Config } from '../../src/config.js';
import { createPostgresProvider } from '../../src/data/postgres/provider.js';
import type { DataProvider } from '../../src/data/provider.js';
import { Api, type Credentials } from '../access/http-client.js';
import { serveApp, silentLogger, testConfig } from './app.js';
import { createTestDatabase } from './db.js';
import { startFakeLlm, type FakeLlm } from './fake-llm.js';

/**
 * What the AI feature tests share: a database, a local OpenAI-wire server, one engine with AI (an
 * instance OpenAI key, sk-instance-…, sending to that server) and one without (no key, same base URL,
 * so an organization's own key reaches the server too), and an owner with their organization and project.
 */
export interface AiWorld {
  provider: DataProvider;
  fake: FakeLlm;
  withAi: { api: Api; url: string };
  withoutAi: { api: Api; url: string };
  /** The configuration of the engine with AI, for workers the tests start themselves. */
  aiConfig: Config;
  owner: Credentials & { userId: string };
  orgId: string;
  projectId: string;
  close(): Promise<void>;
}

/** `withAi`: more settings for the engine with AI (e.g. AI_RATE_LIMIT_PER_MINUTE). */
export async function startAiWorld(options: { withAi?: Record<string, string> } = {}): Promise<AiWorld> {
  const database = await createTestDatabase();
  const provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
  const fake = await startFakeLlm();
  const baseUrl = { OPENAI_BASE_URL: `${fake.url}/v1` };
  const aiConfig = testConfig({ OPENAI_API_KEY: 'sk-instance-0123456789', ...baseUrl, ...options.withAi });
  const withAiServer = await serveApp(provider, { config: aiConfig });
  const withoutAiServer = await serveApp(provider, { config: testConfig(baseUrl) });
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
    aiConfig,
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
