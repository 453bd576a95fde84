import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { expect } from 'vitest';
import { hashPassword } from '../../src/auth/passwords.js';
import { csrfTokenFor, SESSION_COOKIE, SESSION_IDLE_MS } from '../../src/auth/session-cookie.js';
import { createPostgresProvider } from '../../src/data/postgres/provider.js';
import type { DataProvider, MemberRole, WriteContext } from '../../src/data/provider.js';
import type { AnyRouteDefinition } from '../../src/http/registry.js';
import { apiKeyPrefix, generateApiKey, randomToken, sha256Hex } from '../../src/lib/tokens.js';
import { serveApp, silentLogger, testConfig, testServices } from '../helpers/app.js';
import { openAiWire, startFakeLlm, type FakeLlm } from '../helpers/fake-llm.js';
import { createTestDatabase } from '../helpers/db.js';
import { Api, describeResponse, errorOf, sessionCookie, type ApiResponse, type Credentials } from './http-client.js';

/** Every fixture account's password (long enough for the policy). */
export const PASSWORD = 'correct horse battery staple';

export interface SignedInUser extends Credentials {
  userId: string;
  email: string;
  /** The id of this sign-in's session. */
  sessionId: string;
}

/** The ids a route's path can ask for, by parameter name (keyId is resolved per route). */
export interface Target {
  orgId: string;
  orgSlug: string;
  projectId: string;
  projectSlug: string;
  apiKeyId: string;
  providerKeyId: string;
  /** A plain member (role `member`) that routes on `:userId` may act on. */
  userId: string;
  invitationId: string;
  /** A prompt key in the project, and a version of it. */
  key: string;
  version?: string;
  /** The pending invitation's link token. */
  token: string;
  /** A session that `:sessionId` may end (in fixtures: the owner's). */
  sessionId: string;
  /** A protected label of the project (`gated`), and a pending promotion request for it. */
  label: string;
  requestId: string;
  /** A trace of the project (the client's trace id). */
  traceId: string;
  /** A model price of the organization. */
  priceId: string;
  /** A report run of the prompt `key` (made through the provider; never queued). */
  runId: string;
  /** A test suite of the prompt `key` with one case (made through the provider). */
  suiteId: string;
  caseId: string;
}

export interface OrgFixture extends Target {
  apiKeySecret: string;
}

export interface World {
  api: Api;
  provider: DataProvider;
  /** The local model server every organization's provider key sends to (each request with its Authorization). */
  llm: FakeLlm;
  routes: AnyRouteDefinition[];
  a: OrgFixture & { users: Record<MemberRole, SignedInUser> };
  b: OrgFixture & { owner: SignedInUser };
  /** A fresh organization owned by A's owner, with A's admin, member and viewer in their roles. */
  sandbox(): Promise<Target>;
  /** Another session of the user, made through the provider (no sign-in attempt counted). */
  freshSession(userId: string): Promise<SignedInUser>;
  /** A user with PASSWORD, made through the provider; in `organizationId` with `role` when given. */
  createUser(email: string, membership?: { organizationId: string; role: MemberRole }): Promise<{ userId: string; email: string }>;
  addMember(organizationId: string, userId: string, role: MemberRole): Promise<void>;
  signIn(email: string, password?: string, from?: string): Promise<SignedInUser>;
  /** Runs SQL on the test database directly (to look at stored rows, or to move time). */
  sql<Row extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  /** Runs SQL in a transaction that is rolled back afterwards. */
  sqlRolledBack<T>(run: (sql: <Row extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<Row[]>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const system: WriteContext = { actor: { type: 'system' } };
let sequence = 0;
const unique = (label: string) => `${label}-${++sequence}-${randomUUID().slice(0, 8)}`;

export function expectStatus(response: ApiResponse<unknown>, status: number): void {
  expect(response.status, describeResponse(response)).toBe(status);
}

export function expectError(response: ApiResponse<unknown>, status: number, code: string): void {
  expectStatus(response, status);
  expect(errorOf(response)?.code, describeResponse(response)).toBe(code);
}

export const routeId = (route: AnyRouteDefinition) => `${route.method.toUpperCase()} ${route.path}`;

/** The route's path with each `:param` filled from the target; an unknown parameter fails loudly. */
export function fillPath(route: AnyRouteDefinition, target: Partial<Target>): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    const value = name === 'keyId' ? (route.path.includes('/provider-keys/') ? target.providerKeyId : target.apiKeyId) : name === 'version' ? '1' : name === 'task' ? 'forprompt.analyze' : target[name as keyof Target];
    if (!value) throw new Error(`No fixture id for :${name} in ${routeId(route)}: add it to test/access/fixtures.ts`);
    return encodeURIComponent(value);
  });
}

/**
 * A body that passes validation, so that a request reaches the authorization and lookups behind it.
 * Routes without an entry get `{}`.
 */
export function sampleBody(route: AnyRouteDefinition, target: Pick<Target, 'orgSlug' | 'projectSlug'> & Partial<Pick<Target, 'key'>>): unknown {
  const samples: Record<string, unknown> = {
    'POST /api/dashboard/auth/setup': { email: 'someone@example.test', password: PASSWORD, organizationName: 'Sample' },
    'POST /api/dashboard/auth/sign-in': { email: 'nobody@example.test', password: 'not the password' },
    'POST /api/dashboard/auth/password': { currentPassword: 'not the password', newPassword: 'a brand new password' },
    'POST /api/dashboard/auth/password-reset': { token: 'x'.repeat(43), newPassword: 'a brand new password' },
    'POST /api/dashboard/orgs': { name: 'Sample organization' },
    'PATCH /api/dashboard/orgs/:orgId': { name: 'Renamed organization' },
    'DELETE /api/dashboard/orgs/:orgId': { confirmSlug: target.orgSlug },
    'PATCH /api/dashboard/orgs/:orgId/members/:userId': { role: 'viewer' },
    'POST /api/dashboard/orgs/:orgId/invitations': { email: 'sample@example.test', role: 'viewer' },
    'POST /api/dashboard/invitations/:token/accept': { password: PASSWORD, name: 'Sample Person' },
    'POST /api/dashboard/orgs/:orgId/projects': { name: 'Sample project' },
    'PATCH /api/dashboard/orgs/:orgId/projects/:projectId': { name: 'Renamed project' },
    'DELETE /api/dashboard/orgs/:orgId/projects/:projectId': { confirmSlug: target.projectSlug },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/api-keys': { name: 'Sample key' },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/api-keys/:keyId/rotate': { gracePeriodHours: 1 },
    'POST /api/dashboard/orgs/:orgId/provider-keys': { service: 'openai', name: 'Sample provider key', apiKey: 'sk-sample-000000000000' },
    'PUT /api/dashboard/orgs/:orgId/ai/settings': { provider: 'openai', model: 'gpt-sample' },
    'POST /api/v1/prompts': { key: 'sample-prompt', template: 'Sample {{thing}}' },
    'POST /api/prompts': { key: `sample-compat-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, name: 'Sample compat prompt' },
    'PUT /api/prompts': { key: target.key ?? 'sample-prompt', name: 'Renamed compat prompt' },
    'POST /api/prompts/versions': { key: target.key ?? 'sample-prompt', systemPrompt: 'Another compat version' },
    'POST /api/log': { traceId: 'sample-log-trace', promptKey: 'sample-prompt', type: 'message', role: 'user', content: 'Sample' },
    'POST /api/v1/ingest': { batch: [{ id: 'sample-event', timestamp: new Date().toISOString(), type: 'trace-create', body: { id: 'sample-trace', name: 'Sample' } }] },
    'PATCH /api/v1/prompts/:key/labels': { labels: { production: 1 } },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/prompts': { key: `sample-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, template: 'Sample {{thing}}' },
    'PATCH /api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key': { name: 'Renamed prompt' },
    'DELETE /api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key': { confirmSlug: target.key },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key/versions': { template: 'Another {{thing}}' },
    'PATCH /api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key/labels': { labels: { production: 1 } },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/protected-labels': { label: 'production' },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/prompt-bundle': { bundle: { format: 'forprompt.prompts', formatVersion: 1, exportedAt: new Date().toISOString(), prompts: [] } },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/traces/clear': { confirmSlug: target.projectSlug },
    'PATCH /api/dashboard/orgs/:orgId/projects/:projectId/trace-retention': { retentionDays: 30 },
    'POST /api/dashboard/orgs/:orgId/model-prices': { modelPattern: `sample-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, inputPricePerMillion: 1, outputPricePerMillion: 2 },
    'PATCH /api/dashboard/orgs/:orgId/model-prices/:priceId': { inputPricePerMillion: 1.5 },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/ai/edit': { instruction: 'Make it shorter', currentPrompt: 'Sample prompt' },
    'POST /api/edit-prompt/stream': { instruction: 'Make it shorter', currentPrompt: 'Sample prompt' },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/ai/suggestions': { prompt: 'Sample prompt' },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/ai/enhance-field': { field: 'purpose', value: 'Answers' },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/ai/extract-metadata': { prompt: 'Sample prompt' },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/ai/generate-prompt': { metadata: { purpose: 'Answers' } },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key/versions/:version/playground': { messages: [{ role: 'user', content: 'Hi' }] },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key/test-suites': { count: 1 },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key/test-suites/:suiteId/cases': { input: 'Hello', criteria: ['Greets back'] },
    'PATCH /api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key/test-suites/:suiteId/cases/:caseId': { input: 'Hello again' },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key/test-suites/:suiteId/runs': { version: 1 },
    'POST /api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key/duplicate': { key: `copy-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` },
  };
  return samples[routeId(route)] ?? {};
}

/** The token at the end of an invitation (`/invite/`) or reset (`/reset-password/`) link. */
export const linkToken = (url: string, marker: string) => url.slice(url.indexOf(marker) + marker.length);

/**
 * Builds, through the real API: organization A (set up on first run) with an owner, admin, member
 * and viewer, and organization B with its own owner; each with a project, an API key, a provider key
 * and a pending invitation.
 */
export async function startWorld(): Promise<World> {
  const database = await createTestDatabase();
  const provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
  const reportRunOf = async (organizationId: string, projectId: string, promptKey: string) => {
    const prompt = (await provider.prompts.get(projectId, promptKey))!;
    return (await provider.reports.createRun({ organizationId, projectId, promptId: prompt.id, versionNumber: null, force: false, conversationLimit: 1, createdBy: null })).run;
  };
  const suiteOf = async (organizationId: string, projectId: string, promptKey: string) => {
    const prompt = (await provider.prompts.get(projectId, promptKey))!;
    const scope = { organizationId, projectId, promptId: prompt.id, promptKey };
    const suite = await provider.promptTests.createSuite({ actor: { type: 'system' } }, scope, { name: 'Sample suite', generatedFromVersion: 1, model: null, createdBy: null }, [{ input: 'Hi', variables: {}, criteria: ['Greets'] }]);
    const [testCase] = await provider.promptTests.listCases(suite.id);
    return { suiteId: suite.id, caseId: testCase!.id };
  };
  // Every organization here has an OpenAI provider key: AI routes reach this local stand-in, never the internet.
  const llm = await startFakeLlm();
  // A prompt analysis gets a valid analysis, a test-suite generation valid cases, any other call `ok`.
  const analysis = { clarityScore: 7, overallAssessment: 'Clear enough.', improvements: [], edgeCases: [], optimizations: [] };
  const testSuite = { cases: [{ input: 'Hi', variables: {}, criteria: ['Greets'] }] };
  llm.on('POST /v1/chat/completions', (request) => {
    const body = JSON.stringify(request.body);
    if (body.includes('clarityScore')) return openAiWire.completion(JSON.stringify(analysis));
    if (body.includes('\\"cases\\"')) return openAiWire.completion(JSON.stringify(testSuite));
    // The metadata form's AI helpers, known by their reply's fields.
    if (body.includes('\\"systemPrompt\\"')) return openAiWire.completion(JSON.stringify({ systemPrompt: 'Sample', explanation: 'Sample' }));
    if (body.includes('\\"suggestions\\"')) return openAiWire.completion(JSON.stringify({ suggestions: [] }));
    if (body.includes('\\"enhancedText\\"')) return openAiWire.completion(JSON.stringify({ enhancedText: 'Sample' }));
    if (body.includes('\\"toolsAndCapabilities\\"')) {
      return openAiWire.completion(JSON.stringify({ purpose: '', expectedBehavior: '', inputFormat: '', outputFormat: '', constraints: '', useCases: '', toolsAndCapabilities: '' }));
    }
    return openAiWire.completion('ok');
  });
  llm.on('GET /v1/models', openAiWire.models(['gpt-test']));
  const server = await serveApp(provider, { config: testConfig({ OPENAI_BASE_URL: `${llm.url}/v1` }) });
  const api = new Api(server.url);
  const services = testServices(provider);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const passwordHash = await hashPassword(PASSWORD);

  const currentSessionId = async (credentials: Credentials) => {
    const response = await api.get<{ sessions: Array<{ id: string; current: boolean }> }>('/api/dashboard/auth/sessions', { session: credentials });
    expectStatus(response, 200);
    return response.body.sessions.find((session) => session.current)!.id;
  };
  const signedIn = async (response: ApiResponse<{ csrfToken: string; user?: { id: string } }>, email: string, userId?: string): Promise<SignedInUser> => {
    const credentials = { cookie: sessionCookie(response), csrfToken: response.body.csrfToken };
    return { ...credentials, email, userId: userId ?? response.body.user!.id, sessionId: await currentSessionId(credentials) };
  };

  const signIn = async (email: string, password = PASSWORD, from?: string) => {
    const response = await api.post<{ csrfToken: string; user: { id: string } }>('/api/dashboard/auth/sign-in', { email, password }, { from });
    expectStatus(response, 200);
    return signedIn(response, email);
  };

  const invite = async (owner: Credentials, orgId: string, email: string, role: MemberRole) => {
    const response = await api.post<{ invitation: { id: string }; url: string }>(`/api/dashboard/orgs/${orgId}/invitations`, { email, role }, { session: owner });
    expectStatus(response, 201);
    return { invitationId: response.body.invitation.id, token: linkToken(response.body.url, '/invite/') };
  };

  /** Protects the label `gated` and has the API key ask to move it: a pending promotion request. */
  const gatedRequest = async (owner: SignedInUser, orgId: string, projectId: string, promptKey: string, apiKeySecret: string) => {
    expectStatus(await api.post(`/api/dashboard/orgs/${orgId}/projects/${projectId}/protected-labels`, { label: 'gated' }, { session: owner }), 200);
    const asked = await api.patch<{ promotionRequests: Array<{ id: string }> }>(`/api/v1/prompts/${promptKey}/labels`, { labels: { gated: 1 } }, { headers: { 'x-api-key': apiKeySecret } });
    expectStatus(asked, 202);
    return { label: 'gated', requestId: asked.body.promotionRequests[0]!.id };
  };

  /** Project (created unless given), API key, provider key and pending invitation of an organization. */
  const populate = async (owner: SignedInUser, orgId: string, label: string, existingProject?: { id: string; slug: string }) => {
    let project = existingProject;
    if (!project) {
      const created = await api.post<{ id: string; slug: string }>(`/api/dashboard/orgs/${orgId}/projects`, { name: `Project ${label}` }, { session: owner });
      expectStatus(created, 201);
      project = created.body;
    }
    const key = await api.post<{ apiKey: { id: string }; secret: string }>(`/api/dashboard/orgs/${orgId}/projects/${project.id}/api-keys`, { name: `Key ${label}` }, { session: owner });
    expectStatus(key, 201);
    const providerKey = await api.post<{ id: string }>(
      `/api/dashboard/orgs/${orgId}/provider-keys`,
      { service: 'openai', name: `OpenAI ${label}`, apiKey: `sk-${label}-0123456789abcdef` },
      { session: owner },
    );
    expectStatus(providerKey, 201);
    const pending = await invite(owner, orgId, `pending-${label.toLowerCase()}@example.test`, 'viewer');
    const promptKey = `prompt-${label.toLowerCase()}`;
    const prompt = await api.post('/api/v1/prompts', { key: promptKey, template: `Hello from ${label}`, labels: ['production'] }, { headers: { 'x-api-key': key.body.secret } });
    expectStatus(prompt, 201);
    const gate = await gatedRequest(owner, orgId, project.id, promptKey, key.body.secret);
    const traceId = `trace-${label.toLowerCase()}`;
    const traced = await api.post<{ results: Array<{ status: number }> }>(
      '/api/v1/ingest',
      { batch: [{ id: `event-${traceId}`, timestamp: new Date().toISOString(), type: 'trace-create', body: { id: traceId, name: `Trace of ${label}`, promptKey } }] },
      { headers: { 'x-api-key': key.body.secret } },
    );
    expect(traced.body.results?.[0]?.status, describeResponse(traced)).toBe(201);
    const price = await api.post<{ id: string }>(`/api/dashboard/orgs/${orgId}/model-prices`, { modelPattern: `model-${label.toLowerCase()}-*`, inputPricePerMillion: 1, outputPricePerMillion: 2 }, { session: owner });
    expectStatus(price, 201);
    const run = await reportRunOf(orgId, project.id, promptKey);
    const suite = await suiteOf(orgId, project.id, promptKey);
    return { ...suite, priceId: price.body.id, projectId: project.id, projectSlug: project.slug, apiKeyId: key.body.apiKey.id, apiKeySecret: key.body.secret, providerKeyId: providerKey.body.id, key: promptKey, traceId, runId: run.id, ...pending, ...gate };
  };

  // Organization A: first-run setup, then one user per role, each joining through an invitation link.
  const setup = await api.post<{ csrfToken: string; user: { id: string }; organizations: Array<{ id: string; slug: string }> }>('/api/dashboard/auth/setup', {
    email: 'owner-a@example.test',
    password: PASSWORD,
    name: 'Olive Owner',
    organizationName: 'Organization A',
    projectName: 'Project A',
  });
  expectStatus(setup, 201);
  const ownerA = await signedIn(setup, 'owner-a@example.test');
  const orgA = setup.body.organizations[0]!;
  const usersA: Record<MemberRole, SignedInUser> = { owner: ownerA } as Record<MemberRole, SignedInUser>;
  for (const role of ['admin', 'member', 'viewer'] as const) {
    const email = `${role}-a@example.test`;
    const { token } = await invite(ownerA, orgA.id, email, role);
    const accepted = await api.post<{ csrfToken: string; organizationId: string }>(`/api/dashboard/invitations/${token}/accept`, { password: PASSWORD, name: `${role} of A` });
    expectStatus(accepted, 200);
    const user = await provider.users.findByEmail(email);
    usersA[role] = await signedIn(accepted, email, user!.id);
  }
  const projectsA = await api.get<{ projects: Array<{ id: string; slug: string }> }>(`/api/dashboard/orgs/${orgA.id}/projects`, { session: ownerA });
  const a = {
    orgId: orgA.id,
    orgSlug: orgA.slug,
    users: usersA,
    userId: usersA.member.userId,
    sessionId: ownerA.sessionId,
    ...(await populate(ownerA, orgA.id, 'A', projectsA.body.projects[0])),
  };

  // Organization B: an owner who belongs to nothing of A's.
  await provider.users.create(system, { email: 'owner-b@example.test', passwordHash, firstName: 'Bea' });
  const ownerB = await signIn('owner-b@example.test');
  const orgB = await api.post<{ id: string; slug: string }>('/api/dashboard/orgs', { name: 'Organization B' }, { session: ownerB });
  expectStatus(orgB, 201);
  const b = { orgId: orgB.body.id, orgSlug: orgB.body.slug, owner: ownerB, userId: ownerB.userId, sessionId: ownerB.sessionId, ...(await populate(ownerB, orgB.body.id, 'B')) };

  const owner = (userId: string): WriteContext => ({ actor: { type: 'user', userId } });

  const addMember = async (organizationId: string, userId: string, role: MemberRole) => {
    const user = await provider.users.get(userId);
    const tokenHash = sha256Hex(randomToken());
    await provider.invitations.create(owner(ownerA.userId), organizationId, { email: user!.email, role, tokenHash, expiresAt: new Date(Date.now() + 86_400_000) });
    await provider.invitations.accept({}, tokenHash, { userId });
  };

  const createUser = async (email: string, membership?: { organizationId: string; role: MemberRole }) => {
    const user = await provider.users.create(system, { email, passwordHash });
    if (membership) await addMember(membership.organizationId, user.id, membership.role);
    return { userId: user.id, email: user.email };
  };

  const sandbox = async (): Promise<Target> => {
    const ctx = owner(ownerA.userId);
    const organization = await provider.orgs.create(ctx, { name: unique('Sandbox'), ownerUserId: ownerA.userId });
    for (const role of ['admin', 'member', 'viewer'] as const) await addMember(organization.id, usersA[role].userId, role);
    const project = await provider.projects.create(ctx, organization.id, { name: unique('Sandbox project') });
    const secret = generateApiKey();
    const apiKey = await provider.apiKeys.create(ctx, organization.id, project.id, { name: 'Sandbox key', keyHash: sha256Hex(secret), keyPrefix: apiKeyPrefix(secret), expiresAt: null });
    const providerKey = await provider.providerKeys.create(ctx, organization.id, {
      service: 'openai',
      name: 'Sandbox provider key',
      encryptedKey: services.secretBox.seal('sk-sandbox-0123456789'),
      keyHint: 'sk-s…6789',
      baseUrl: null,
    });
    const token = randomToken();
    const invitation = await provider.invitations.create(ctx, organization.id, { email: `${unique('invitee')}@example.test`, role: 'viewer', tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + 86_400_000) });
    const member = await createUser(`${unique('member')}@example.test`, { organizationId: organization.id, role: 'member' });
    const prompt = await provider.prompts.create(ctx, project.id, { key: unique('prompt'), name: 'Sandbox prompt' }, { template: 'Sandbox', variables: [], labels: ['production'] });
    await provider.promotions.protect(ctx, project.id, 'gated');
    const asked = await provider.prompts.moveLabels({ actor: { type: 'api_key', apiKeyId: apiKey.id } }, project.id, prompt.key, [{ label: 'gated', version: 1 }]);
    const traceId = unique('trace');
    await provider.traces.ingest(ctx, project.id, [{ id: unique('event'), timestamp: new Date().toISOString(), type: 'trace-create', body: { id: traceId, name: 'Sandbox trace' } }]);
    const price = await provider.traces.createPrice(ctx, organization.id, { modelPattern: 'sandbox-model', inputPricePerMillion: 1, outputPricePerMillion: 2 });
    const run = await reportRunOf(organization.id, project.id, prompt.key);
    const suite = await suiteOf(organization.id, project.id, prompt.key);
    return {
      ...suite,
      priceId: price.id,
      orgId: organization.id,
      orgSlug: organization.slug,
      projectId: project.id,
      projectSlug: project.slug,
      apiKeyId: apiKey.id,
      providerKeyId: providerKey.id,
      userId: member.userId,
      invitationId: invitation.id,
      token,
      sessionId: ownerA.sessionId,
      key: prompt.key,
      label: 'gated',
      requestId: asked.promotionRequests[0]!.id,
      traceId,
      runId: run.id,
    };
  };

  const freshSession = async (userId: string): Promise<SignedInUser> => {
    const token = randomToken();
    const csrfToken = csrfTokenFor(services, token);
    const session = await provider.sessions.create(owner(userId), { userId, tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + SESSION_IDLE_MS) });
    const user = await provider.users.get(userId);
    return { cookie: `${SESSION_COOKIE}=${token}`, csrfToken, userId, email: user!.email, sessionId: session.id };
  };

  return {
    api,
    provider,
    llm,
    routes: server.routes,
    a,
    b,
    sandbox,
    freshSession,
    createUser,
    addMember,
    signIn,
    async sql<Row extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      return (await pool.query<Row>(text, values)).rows;
    },
    async sqlRolledBack(run) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        return await run(async (text, values) => (await client.query(text, values)).rows);
      } finally {
        await client.query('rollback');
        client.release();
      }
    },
    async close() {
      api.close();
      await server.close();
      await llm.close();
      await pool.end();
      await provider.close();
      await database.drop();
    },
  };
}
