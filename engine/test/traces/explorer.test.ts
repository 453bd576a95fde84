import { afterAll, describe, expect, it } from 'vitest';
import type { IngestEvent } from '@forprompt/sdk/ingest';
import { expectError, expectStatus, startWorld } from '../access/fixtures.js';
import { purgeExpiredTraces } from '../../src/traces/retention-job.js';

const world = await startWorld();
afterAll(() => world.close());

type Summary = { traceId: string; latencyMs: number | null; costUsd: number; startedAt: string };
type Page = { traces: Summary[]; nextCursor: string | null };

let sequence = 0;
const event = (type: IngestEvent['type'], body: Record<string, unknown>, timestamp: string): IngestEvent => ({ id: `explorer-${++sequence}`, timestamp, type, body }) as unknown as IngestEvent;
const minute = (n: number) => new Date(Date.UTC(2026, 0, 10, 9, n, 0)).toISOString();
const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** The explorer as the dashboard uses it: filters, three sort orders with keyset pages, delete, clear, retention. */
describe('trace explorer', () => {
  const { a, b, api } = world;
  const project = `/api/dashboard/orgs/${a.orgId}/projects/${a.projectId}`;
  const { admin, member, viewer } = a.users;
  const list = async (query: string) => {
    const response = await api.get<Page>(`${project}/traces?${query}`, { session: viewer });
    expectStatus(response, 200);
    return response.body;
  };
  /** Every page of a query, following nextCursor. */
  const all = async (query: string) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...page.traces.map((trace) => trace.traceId));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  };

  it('ingests ten traces with spans to explore', async () => {
    const batch: IngestEvent[] = [];
    for (let index = 0; index < 10; index++) {
      const start = minute(index);
      batch.push(
        event('trace-create', {
          id: `explore-${index}`,
          promptKey: index % 2 === 0 ? 'support.reply' : 'sales.pitch',
          promptVersion: 1 + (index % 3),
          model: index < 5 ? 'gpt-4o-mini' : 'claude-sonnet',
          userId: `user-${index % 4}`,
          sessionId: `session-${index % 2}`,
          tags: index % 5 === 0 ? ['beta', 'vip'] : ['beta'],
          input: { question: index === 7 ? 'Where is my parcel?' : 'Hello there' },
          startTime: start,
          endTime: later(start, 1000 * ((index * 7) % 10) + 100),
        }, start),
        event('span-create', {
          id: `explore-${index}-answer`,
          traceId: `explore-${index}`,
          type: 'llm_call',
          role: 'assistant',
          model: 'gpt-4o-mini',
          output: index === 3 ? 'Your refund was approved' : 'Happy to help',
          costUsd: (index * 3) % 10 / 100,
          status: index === 4 ? 'error' : 'ok',
          startTime: start,
          endTime: later(start, 50),
        }, start),
      );
    }
    const response = await api.post<{ results: Array<{ status: number }> }>('/api/v1/ingest', { batch }, { headers: { 'x-api-key': a.apiKeySecret } });
    expectStatus(response, 207);
    expect(response.body.results.every((result) => result.status === 201), JSON.stringify(response.body)).toBe(true);
  });

  it('lists newest first and pages by keyset without gaps or repeats, in each sort order', async () => {
    const byTime = await all('promptKey=support.reply');
    expect(byTime).toEqual(['explore-8', 'explore-6', 'explore-4', 'explore-2', 'explore-0']);

    const byLatency = (await list('sort=latency&limit=200&tags=vip,beta')).traces.map((trace) => trace.traceId);
    expect(byLatency).toEqual(['explore-5', 'explore-0']);
    const everyLatency = await all('sort=latency');
    const slowest = (await list('sort=latency&limit=200')).traces;
    expect(everyLatency).toEqual(slowest.map((trace) => trace.traceId));
    expect(slowest.filter((trace) => trace.traceId.startsWith('explore-')).map((trace) => trace.latencyMs)).toEqual([9100, 8100, 7100, 6100, 5100, 4100, 3100, 2100, 1100, 100]);

    const byCost = await all('sort=cost&model=claude-sonnet');
    expect(byCost).toEqual(['explore-6', 'explore-9', 'explore-5', 'explore-8', 'explore-7']);
  });

  it('filters by version, user, session, status, time and words in trace or span content', async () => {
    const ids = async (query: string) => (await list(`${query}&limit=200`)).traces.map((trace) => trace.traceId);
    expect(await ids('promptKey=sales.pitch&promptVersion=2')).toEqual(['explore-7', 'explore-1']);
    expect(await ids('userId=user-1&sessionId=session-1')).toEqual(['explore-9', 'explore-5', 'explore-1']);
    expect(await ids('status=error')).toEqual(['explore-4']);
    expect(await ids(`from=${minute(2)}&to=${minute(4)}`)).toEqual(['explore-3', 'explore-2']);
    expect(await ids('search=parcel')).toEqual(['explore-7']);
    expect(await ids('search=refund%20approved')).toEqual(['explore-3']);
    expect(await ids('search=refund%20parcel')).toEqual([]);
  });

  it('refuses a cursor of another sort order and anything that is not a cursor', async () => {
    const page = await list('sort=cost&limit=1');
    expectError(await api.get(`${project}/traces?sort=time&cursor=${page.nextCursor}`, { session: viewer }), 400, 'validation_error');
    expectError(await api.get(`${project}/traces?cursor=bm90LWEtY3Vyc29y`, { session: viewer }), 400, 'validation_error');
  });

  it('shows a trace with its spans, and another organization sees neither the trace nor the project', async () => {
    const detail = await api.get<{ traceId: string; spans: Array<{ spanId: string }> }>(`${project}/traces/explore-3`, { session: viewer });
    expectStatus(detail, 200);
    expect(detail.body.spans.map((span) => span.spanId)).toEqual(['explore-3-answer']);
    expectError(await api.get(`${project}/traces/explore-3`, { session: b.owner }), 404, 'organization_not_found');
    expectError(await api.get(`/api/dashboard/orgs/${b.orgId}/projects/${a.projectId}/traces/explore-3`, { session: b.owner }), 404, 'project_not_found');
  });

  it('lets a member delete a trace (audited) but not a viewer', async () => {
    expectError(await api.delete(`${project}/traces/explore-0`, { session: viewer }), 403, 'insufficient_role');
    expectStatus(await api.delete(`${project}/traces/explore-0`, { session: member }), 200);
    expectError(await api.get(`${project}/traces/explore-0`, { session: viewer }), 404, 'trace_not_found');
    expectError(await api.delete(`${project}/traces/explore-0`, { session: member }), 404, 'trace_not_found');
    const [audit] = await world.sql<{ summary: string }>(`select summary from audit_log where action = 'trace.deleted' and project_id = $1`, [a.projectId]);
    expect(audit?.summary).toBe('trace "explore-0" deleted with 1 spans');
  });

  it('deletes traces older than the retention an admin sets, and old event ids, in batches', async () => {
    expectError(await api.patch(`${project}/trace-retention`, { retentionDays: 7 }, { session: member }), 403, 'insufficient_role');
    expectError(await api.patch(`${project}/trace-retention`, { retentionDays: 0 }, { session: admin }), 400, 'validation_error');
    expectStatus(await api.patch(`${project}/trace-retention`, { retentionDays: 7 }, { session: admin }), 200);
    expect((await api.get<{ retentionDays: number | null }>(`${project}/trace-retention`, { session: viewer })).body).toEqual({ retentionDays: 7 });

    // The ingested traces started in January 2026: move the recent ones to now, the rest stay expired.
    await world.sql(`update traces set started_at = now() - interval '1 day' where project_id = $1 and trace_id in ('explore-8', 'explore-9')`, [a.projectId]);
    await world.sql(`update traces set started_at = now() where project_id = $1 and trace_id not like 'explore-%'`, [a.projectId]);
    await world.sql(`update ingested_events set created_at = now() - interval '31 days' where project_id = $1 and event_id like 'explorer-1%'`, [a.projectId]);
    // (Span creations are claimed by their spans, so only the other events' ids are in ingested_events.)
    const [oldEventIds] = await world.sql<{ count: number }>(
      `select count(*)::int as count from ingested_events where project_id = $1 and created_at < now() - interval '30 days'`,
      [a.projectId],
    );
    expect(oldEventIds!.count).toBeGreaterThan(0);
    const bTraces = await world.sql(`select count(*)::int as count from traces where project_id = $1`, [b.projectId]);

    const purged = await purgeExpiredTraces(world.provider);
    expect(purged.traces).toBe(7);
    expect(purged.eventIds).toBeGreaterThanOrEqual(oldEventIds!.count);
    expect(await world.sql(`select count(*)::int as count from ingested_events where project_id = $1 and created_at < now() - interval '30 days'`, [a.projectId])).toEqual([{ count: 0 }]);
    expect((await list('limit=200&promptKey=support.reply')).traces.map((trace) => trace.traceId)).toEqual(['explore-8']);
    expect(await world.sql(`select count(*)::int as count from spans where project_id = $1 and span_id like 'explore-%'`, [a.projectId])).toEqual([{ count: 2 }]);
    expect(await world.sql(`select count(*)::int as count from traces where project_id = $1`, [b.projectId])).toEqual(bTraces);

    expectStatus(await api.patch(`${project}/trace-retention`, { retentionDays: null }, { session: admin }), 200);
  });

  it('clears all traces of the project for an admin who types its slug', async () => {
    expectError(await api.post(`${project}/traces/clear`, { confirmSlug: a.projectSlug }, { session: member }), 403, 'insufficient_role');
    expectError(await api.post(`${project}/traces/clear`, { confirmSlug: 'wrong' }, { session: admin }), 400, 'confirmation_mismatch');
    const cleared = await api.post<{ deleted: number }>(`${project}/traces/clear`, { confirmSlug: a.projectSlug }, { session: admin });
    expectStatus(cleared, 200);
    expect(cleared.body.deleted).toBeGreaterThanOrEqual(2);
    expect((await list('limit=200')).traces).toEqual([]);
    const bLeft = await world.sql<{ count: number }>(`select count(*)::int as count from traces where project_id = $1`, [b.projectId]);
    expect(bLeft[0]!.count).toBeGreaterThan(0);
  });
});
