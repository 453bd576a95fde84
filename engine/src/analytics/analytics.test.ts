import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestEvent, TraceStatus } from '@forprompt/sdk/ingest';
import { createPostgresProvider } from '../data/postgres/provider.js';
import type { DataProvider } from '../data/provider.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { projectWithApiKey, serveApp, silentLogger } from '../../test/helpers/app.js';

interface KnownTrace {
  id: string;
  start: string;
  latencyMs: number;
  promptKey?: string;
  version?: number;
  tokens?: [number, number];
  costUsd?: number;
  status?: TraceStatus;
  userId?: string;
  sessionId?: string;
}

/** A trace-create (ended after `latencyMs`) and, when it has tokens, one LLM span carrying them. */
function eventsOf(trace: KnownTrace): IngestEvent[] {
  const end = new Date(Date.parse(trace.start) + trace.latencyMs).toISOString();
  const events: IngestEvent[] = [
    {
      id: randomUUID(),
      timestamp: trace.start,
      type: 'trace-create',
      body: { id: trace.id, promptKey: trace.promptKey, promptVersion: trace.version, startTime: trace.start, endTime: end, status: trace.status ?? 'completed', userId: trace.userId, sessionId: trace.sessionId },
    },
  ];
  if (trace.tokens) {
    events.push({
      id: randomUUID(),
      timestamp: trace.start,
      type: 'span-create',
      body: { id: `${trace.id}-llm`, traceId: trace.id, type: 'llm_call', usage: { inputTokens: trace.tokens[0], outputTokens: trace.tokens[1] }, costUsd: trace.costUsd, startTime: trace.start, endTime: end, status: trace.status === 'error' ? 'error' : 'ok' },
    });
  }
  return events;
}

// Version 1: latencies 100–400 ms, one error; version 2: 50 and 150 ms; one trace of another prompt.
const known: KnownTrace[] = [
  { id: 't1', start: '2025-03-01T10:00:00.000Z', latencyMs: 100, promptKey: 'support.reply', version: 1, tokens: [10, 5], costUsd: 0.01 },
  { id: 't2', start: '2025-03-01T10:30:00.000Z', latencyMs: 200, promptKey: 'support.reply', version: 1, tokens: [20, 10], costUsd: 0.02 },
  { id: 't3', start: '2025-03-01T11:00:00.000Z', latencyMs: 300, promptKey: 'support.reply', version: 1, tokens: [30, 15], costUsd: 0.03 },
  { id: 't4', start: '2025-03-02T09:00:00.000Z', latencyMs: 400, promptKey: 'support.reply', version: 1, tokens: [40, 20], costUsd: 0.04, status: 'error' },
  { id: 't5', start: '2025-03-02T10:00:00.000Z', latencyMs: 50, promptKey: 'support.reply', version: 2, tokens: [5, 5], costUsd: 0.005 },
  { id: 't6', start: '2025-03-02T10:10:00.000Z', latencyMs: 150, promptKey: 'support.reply', version: 2, tokens: [15, 5], costUsd: 0.015 },
  { id: 't7', start: '2025-03-01T12:00:00.000Z', latencyMs: 1000, promptKey: 'other', userId: 'u1', sessionId: 's1' },
  // Outside the range asked for below.
  { id: 't8', start: '2025-02-20T12:00:00.000Z', latencyMs: 5, promptKey: 'support.reply', version: 1, tokens: [999, 999], costUsd: 9 },
];
const range = 'from=2025-03-01T00:00:00.000Z&to=2025-03-03T00:00:00.000Z';

describe('analytics and usage', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let owner: { cookie: string; csrf: string; orgId: string; projectId: string };
  let other: Awaited<ReturnType<typeof projectWithApiKey>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    server = await serveApp(provider);
    const response = await fetch(`${server.url}/api/dashboard/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'a long enough password', organizationName: 'Acme', projectName: 'Bot' }),
    });
    const state = (await response.json()) as { csrfToken: string; organizations: Array<{ id: string }> };
    const orgId = state.organizations[0]!.id;
    const [project] = await provider.projects.list(orgId);
    owner = { cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrf: state.csrfToken, orgId, projectId: project!.id };
    await provider.traces.ingest({ actor: { type: 'system' } }, owner.projectId, known.flatMap(eventsOf));
    // Another organization's traces at the same times: they must never count for Acme.
    other = await projectWithApiKey(provider, 'other org');
    await provider.traces.ingest({ actor: { type: 'system' } }, other.projectId, known.map((trace) => ({ ...trace, id: `b-${trace.id}` })).flatMap(eventsOf));
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.drop();
  });

  const get = async <T>(path: string, status = 200): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, { headers: { cookie: owner.cookie } });
    expect(response.status, await response.clone().text()).toBe(status);
    return (await response.json()) as T;
  };
  const base = () => `/api/dashboard/orgs/${owner.orgId}/projects/${owner.projectId}/analytics`;

  it("totals a project's traces in the range: volume, tokens, cost, errors and exact latency percentiles", async () => {
    const overview = await get<Record<string, unknown>>(`${base()}/overview?${range}`);
    expect(overview).toMatchObject({
      traces: 7,
      spans: 6,
      errorTraces: 1,
      errorRate: 1 / 7,
      inputTokens: 120,
      outputTokens: 60,
      prompts: 2,
      users: 1,
      sessions: 1,
      avgSpansPerTrace: 6 / 7,
      // Latencies 50, 100, 150, 200, 300, 400, 1000: p50 is the middle one, p95 interpolates 400→1000 at 0.7.
      p50LatencyMs: 200,
      range: { from: '2025-03-01T00:00:00.000Z', to: '2025-03-03T00:00:00.000Z' },
    });
    expect(overview.avgLatencyMs).toBeCloseTo(2200 / 7, 6);
    expect(overview.p95LatencyMs).toBeCloseTo(820, 6);
    expect(overview.costUsd).toBeCloseTo(0.12, 8);
    expect(overview.promptActivity).toEqual([
      { promptKey: 'support.reply', traces: 6, errorTraces: 1, versions: [2, 1], lastSeenAt: '2025-03-02T10:10:00.000Z' },
      { promptKey: 'other', traces: 1, errorTraces: 0, versions: [], lastSeenAt: '2025-03-01T12:00:00.000Z' },
    ]);
  });

  it('breaks a prompt down per version with p50/p95/p99 from percentile_cont', async () => {
    const { versions } = await get<{ versions: Array<Record<string, unknown>> }>(`${base()}/prompts/support.reply/versions?${range}`);
    expect(versions.map((version) => version.promptVersion)).toEqual([2, 1]);
    expect(versions[0]).toMatchObject({ traces: 2, errorRate: 0, p50LatencyMs: 100, p95LatencyMs: 145, p99LatencyMs: 149, avgLatencyMs: 100, inputTokens: 20, outputTokens: 10 });
    expect(versions[1]).toMatchObject({ traces: 4, errorTraces: 1, errorRate: 0.25, p50LatencyMs: 250, p95LatencyMs: 385, p99LatencyMs: 397, inputTokens: 100, outputTokens: 50, firstSeenAt: '2025-03-01T10:00:00.000Z' });
  });

  it('draws a prompt over time hourly for short ranges and daily for long ones, empty buckets included', async () => {
    const hourly = await get<{ bucket: string; points: Array<{ bucketStart: string; traces: number; errorRate: number; p50LatencyMs: number | null }> }>(`${base()}/prompts/support.reply/series?${range}`);
    expect(hourly.bucket).toBe('hour');
    expect(hourly.points).toHaveLength(48);
    const busy = hourly.points.filter((point) => point.traces > 0).map(({ bucketStart, traces, errorRate, p50LatencyMs }) => ({ bucketStart, traces, errorRate, p50LatencyMs }));
    expect(busy).toEqual([
      { bucketStart: '2025-03-01T10:00:00.000Z', traces: 2, errorRate: 0, p50LatencyMs: 150 },
      { bucketStart: '2025-03-01T11:00:00.000Z', traces: 1, errorRate: 0, p50LatencyMs: 300 },
      { bucketStart: '2025-03-02T09:00:00.000Z', traces: 1, errorRate: 1, p50LatencyMs: 400 },
      { bucketStart: '2025-03-02T10:00:00.000Z', traces: 2, errorRate: 0, p50LatencyMs: 100 },
    ]);
    expect(hourly.points[0]).toMatchObject({ traces: 0, errorRate: 0, p50LatencyMs: null, costUsd: 0 });

    const daily = await get<{ bucket: string; points: Array<{ bucketStart: string; traces: number }> }>(
      `${base()}/prompts/support.reply/series?from=2025-02-26T00:00:00.000Z&to=2025-03-05T00:00:00.000Z&version=2`,
    );
    expect(daily.bucket).toBe('day');
    expect(daily.points.map((point) => point.traces)).toEqual([0, 0, 0, 0, 2, 0, 0]);
    expect(daily.points[4]!.bucketStart).toBe('2025-03-02T00:00:00.000Z');
  });

  it('compares two versions side by side, by default the newest against the one before', async () => {
    const comparison = await get<{ base: Record<string, unknown>; candidate: Record<string, unknown>; delta: Record<string, number | null> }>(`${base()}/prompts/support.reply/compare?${range}`);
    expect(comparison.base).toMatchObject({ promptVersion: 1, traces: 4, tokensPerTrace: 37.5 });
    expect(comparison.candidate).toMatchObject({ promptVersion: 2, traces: 2, tokensPerTrace: 15 });
    expect(comparison.delta).toMatchObject({ traces: -2, errorRate: -0.25, p50LatencyMs: -150, p95LatencyMs: -240, p99LatencyMs: -248, tokensPerTrace: -22.5 });
    expect(comparison.delta.costPerTrace).toBeCloseTo(0.01 - 0.025, 8);

    const missing = await get<{ base: unknown; candidate: unknown; delta: unknown }>(`${base()}/prompts/support.reply/compare?${range}&base=1&candidate=7`);
    expect(missing).toMatchObject({ base: { promptVersion: 1 }, candidate: null, delta: null });
  });

  it("counts an organization's usage per project and per day, AI tokens included, and nothing of other organizations", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`insert into ai_usage_logs (organization_id, project_id, operation, provider, model, input_tokens, output_tokens, created_at)
      values ($1, $2, 'analysis', 'openai', 'gpt-4o-mini', 20, 10, '2025-03-02T08:00:00Z'), ($3, null, 'analysis', 'openai', 'gpt-4o-mini', 500, 500, '2025-03-02T08:00:00Z')`, [owner.orgId, owner.projectId, other.organizationId]);
    await client.end();

    const usage = await get<{ totals: unknown; projects: Array<Record<string, unknown>>; days: unknown[]; aiTokensNote: string }>(`/api/dashboard/orgs/${owner.orgId}/usage?${range}`);
    expect(usage.totals).toEqual({ traces: 7, spans: 6, inputTokens: 120, outputTokens: 60, aiTokens: 30 });
    expect(usage.projects).toEqual([{ projectId: owner.projectId, projectName: 'Bot', traces: 7, spans: 6, inputTokens: 120, outputTokens: 60, aiTokens: 30 }]);
    expect(usage.days).toEqual([
      { day: '2025-03-01', traces: 4, spans: 3, inputTokens: 60, outputTokens: 30, aiTokens: 0 },
      { day: '2025-03-02', traces: 3, spans: 3, inputTokens: 60, outputTokens: 30, aiTokens: 30 },
    ]);
    expect(usage.aiTokensNote).toContain('AI provider');
  });

  it("lists a prompt's stored AI reports of each kind, newest first, and none of another project's", async () => {
    const system = { actor: { type: 'system' as const } };
    const version = { template: 'Hi', variables: [], commitMessage: null };
    for (const projectId of [owner.projectId, other.projectId]) await provider.prompts.create(system, projectId, { key: 'support.reply', name: 'Reply' }, version);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    for (const [projectId, tag] of [[owner.projectId, 'ours'], [other.projectId, 'theirs']] as const) {
      const ids = await client.query<{ prompt_id: string; version_id: string; trace_id: string }>(
        `select p.id as prompt_id, v.id as version_id, (select id from traces where project_id = $1 order by started_at limit 1) as trace_id
         from prompts p join prompt_versions v on v.prompt_id = p.id where p.project_id = $1 and p.key = 'support.reply'`,
        [projectId],
      );
      const { prompt_id: promptId, version_id: versionId, trace_id: traceId } = ids.rows[0]!;
      await client.query(`insert into conversation_reports (trace_id, project_id, prompt_id, version_number, success_score, outcome, critical_points, issues, summary, model)
        values ($1, $2, $3, 1, 8, 'success', '["asked twice"]', '[]', $4, 'gpt-4o-mini')`, [traceId, projectId, promptId, `conversation ${tag}`]);
      await client.query(`insert into batch_reports (project_id, prompt_id, version_number, conversation_count, average_score, summary, model, created_at)
        values ($1, $2, 1, 10, 7.5, $3, 'gpt-4o-mini', '2025-03-01T00:00:00Z'), ($1, $2, 1, 10, 6, $4, 'gpt-4o-mini', '2025-03-02T00:00:00Z')`, [projectId, promptId, `older batch ${tag}`, `newer batch ${tag}`]);
      await client.query(`insert into version_success_reports (version_id, success_rate, average_score, strengths, summary, conversation_count, model)
        values ($1, 80, 7.5, '["polite"]', $2, 20, 'gpt-4o-mini')`, [versionId, `version ${tag}`]);
    }
    await client.end();

    const reports = await get<{ conversations: Array<Record<string, unknown>>; batches: Array<{ summary: string }>; versions: Array<Record<string, unknown>> }>(`${base()}/prompts/support.reply/reports`);
    expect(reports.conversations).toEqual([expect.objectContaining({ traceId: 't8', promptVersion: 1, successScore: 8, outcome: 'success', criticalPoints: ['asked twice'], summary: 'conversation ours' })]);
    expect(reports.batches.map((batch) => batch.summary)).toEqual(['newer batch ours', 'older batch ours']);
    expect(reports.versions).toEqual([expect.objectContaining({ promptVersion: 1, successRate: 80, strengths: ['polite'], summary: 'version ours' })]);
    expect(await get(`${base()}/prompts/no.such.prompt/reports`)).toEqual({ promptKey: 'no.such.prompt', conversations: [], batches: [], versions: [] });
    await get(`/api/dashboard/orgs/${owner.orgId}/projects/${other.projectId}/analytics/prompts/support.reply/reports`, 404);
  });

  it("refuses another organization's project and bad ranges", async () => {
    await get(`/api/dashboard/orgs/${owner.orgId}/projects/${other.projectId}/analytics/overview?${range}`, 404);
    const foreign = await fetch(`${server.url}/api/dashboard/orgs/${other.organizationId}/usage?${range}`, { headers: { cookie: owner.cookie } });
    expect([403, 404]).toContain(foreign.status);
    await get(`${base()}/overview?from=2025-03-03T00:00:00.000Z&to=2025-03-01T00:00:00.000Z`, 400);
    await get(`${base()}/overview?from=2024-01-01T00:00:00.000Z&to=2025-03-01T00:00:00.000Z`, 400);
  });
});
