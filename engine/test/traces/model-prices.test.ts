import { afterAll, describe, expect, it } from 'vitest';
import { expectError, expectStatus, startWorld } from '../access/fixtures.js';

const world = await startWorld();
afterAll(() => world.close());

type Price = { id: string; scope: 'organization' | 'default'; modelPattern: string; inputPricePerMillion: number; outputPricePerMillion: number };

/** Model prices as admins edit them in Settings, and ingestion's costs from them. */
describe('model prices', () => {
  const { a, b, api } = world;
  const prices = `/api/dashboard/orgs/${a.orgId}/model-prices`;
  const { admin, member, viewer } = a.users;
  let sequence = 0;

  /** Sends one LLM span with 1M input and 1M output tokens and no cost; answers the cost stored. */
  const costOf = async (model: string) => {
    const traceId = `priced-${++sequence}`;
    const timestamp = new Date().toISOString();
    const sent = await api.post('/api/v1/ingest', { batch: [{ id: `price-event-${sequence}`, timestamp, type: 'span-create', body: { id: `${traceId}-llm`, traceId, type: 'llm_call', model, usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 } } }] }, { headers: { 'x-api-key': a.apiKeySecret } });
    expectStatus(sent, 207);
    const trace = await api.get<{ costUsd: number }>(`/api/v1/traces/${traceId}`, { headers: { 'x-api-key': a.apiKeySecret } });
    return trace.body.costUsd;
  };

  it("lists the organization's prices and the instance defaults it does not override", async () => {
    await world.sql(`insert into model_prices (model_pattern, input_price_per_million, output_price_per_million) values ('gpt-4o-mini', 0.15, 0.6), ('claude-*', 3, 15)`);
    const listed = await api.get<{ prices: Price[] }>(prices, { session: viewer });
    expectStatus(listed, 200);
    const scopes = new Map(listed.body.prices.map((price) => [price.modelPattern, price.scope]));
    expect([scopes.get('claude-*'), scopes.get('gpt-4o-mini'), scopes.get('model-a-*')]).toEqual(['default', 'default', 'organization']);
    // The defaults the instance ships with (migration 0008) are listed too; the other organization's own are not.
    expect([scopes.get('gpt-4o-mini*'), scopes.get('anthropic/claude-3.5-sonnet*')]).toEqual(['default', 'default']);
    expect(listed.body.prices.filter((price) => price.scope === 'organization').map((price) => price.modelPattern)).toEqual(['model-a-*']);
    expect(await costOf('gpt-4o-mini')).toBeCloseTo(0.75, 8);
  });

  it('lets an admin price a model for the organization, overriding the default for new spans, but not a member', async () => {
    const body = { modelPattern: 'gpt-4o-mini', inputPricePerMillion: 1, outputPricePerMillion: 2 };
    expectError(await api.post(prices, body, { session: member }), 403, 'insufficient_role');
    const created = await api.post<Price>(prices, body, { session: admin });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({ scope: 'organization', modelPattern: 'gpt-4o-mini' });
    expectError(await api.post(prices, body, { session: admin }), 409, 'model_price_exists');
    expect(await costOf('gpt-4o-mini')).toBe(3);
    expect((await api.get<{ prices: Price[] }>(prices, { session: viewer })).body.prices.filter((price) => price.modelPattern === 'gpt-4o-mini')).toHaveLength(1);

    const changed = await api.patch<Price>(`${prices}/${created.body.id}`, { outputPricePerMillion: 4 }, { session: admin });
    expectStatus(changed, 200);
    expect(await costOf('gpt-4o-mini')).toBe(5);
    const [audit] = await world.sql<{ summary: string }>(`select summary from audit_log where action = 'model_price.updated' and organization_id = $1`, [a.orgId]);
    expect(audit?.summary).toBe('price set to "gpt-4o-mini" at $1 in / $4 out per 1M tokens');

    expectError(await api.patch(`/api/dashboard/orgs/${b.orgId}/model-prices/${created.body.id}`, { outputPricePerMillion: 9 }, { session: b.owner }), 404, 'model_price_not_found');
    expectStatus(await api.delete(`${prices}/${created.body.id}`, { session: admin }), 200);
    expect(await costOf('gpt-4o-mini')).toBeCloseTo(0.75, 8);
  });

  it('refuses negative prices and an empty pattern, naming the fields', async () => {
    const refused = await api.post<{ error: { details: { issues: Array<{ path: string }> } } }>(prices, { modelPattern: ' ', inputPricePerMillion: -1, outputPricePerMillion: 1 }, { session: admin });
    expectError(refused, 400, 'validation_error');
    expect(refused.body.error.details.issues.map((issue) => issue.path).sort()).toEqual(['body.inputPricePerMillion', 'body.modelPattern']);
  });
});
