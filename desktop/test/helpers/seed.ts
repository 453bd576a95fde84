import type pg from 'pg';

export const seedIds = {
  organization: '00000000-0000-4000-8000-000000000001',
  user: '00000000-0000-4000-8000-000000000002',
  project: '00000000-0000-4000-8000-000000000003',
  prompt: '00000000-0000-4000-8000-000000000004',
  version1: '00000000-0000-4000-8000-000000000005',
  version2: '00000000-0000-4000-8000-000000000006',
  trace: '00000000-0000-4000-8000-000000000007',
  subscription: '00000000-0000-4000-8000-000000000008',
  tool: '00000000-0000-4000-8000-000000000009',
  apiKey: '00000000-0000-4000-8000-00000000000a',
};

/**
 * A small install's worth of data across the engine's tables, written with plain SQL, with the values
 * COPY text must carry exactly: tabs, newlines, backslashes and non-ASCII text, NULLs, JSON, arrays,
 * floats, numerics and microsecond timestamps.
 */
export async function seedSampleData(client: pg.ClientBase, options: { spans?: number } = {}): Promise<void> {
  const spans = options.spans ?? 200;
  const id = seedIds;
  await client.query(`
    insert into users (id, email, first_name, last_name, password_hash, onboarding_completed, created_at)
      values ('${id.user}', 'Ada@Example.com', 'Ada', E'Lovelace\\tthe \\\\first\\\\', 'argon2id$hash', true, '2025-01-02 03:04:05.678901+00');
    insert into organizations (id, name, slug) values ('${id.organization}', 'Ünïcode Org ✓', 'unicode-org');
    insert into organization_members (organization_id, user_id, role) values ('${id.organization}', '${id.user}', 'owner');
    insert into projects (id, organization_id, name, slug, description, retention_days)
      values ('${id.project}', '${id.organization}', 'Main', 'main', E'multi\\nline\\r\\ndescription', 30);
    insert into project_api_keys (id, project_id, name, key_hash, key_prefix, created_by)
      values ('${id.apiKey}', '${id.project}', 'ci', repeat('ab', 32), 'fp_proj_ab', '${id.user}');
    insert into prompts (id, project_id, key, name, tags, created_by)
      values ('${id.prompt}', '${id.project}', 'support-reply', 'Support reply', '{a,"b c","d\\"e",NULL}', '${id.user}');
    insert into prompt_versions (id, prompt_id, version, template, messages, config, variables, avg_tokens, avg_latency_ms)
      values ('${id.version1}', '${id.prompt}', 1, 'Hello {{name}}', null, '{"temperature": 0.7, "nested": {"k": [1, 2.5, null]}}', '{name}', 0.1, 1e-7),
             ('${id.version2}', '${id.prompt}', 2, null, '[{"role": "system", "content": "Be \\"brief\\"\\n"}]', '{}', '{}', 3.4028235e38, null);
    insert into prompt_labels (prompt_id, label, version_id, updated_by) values ('${id.prompt}', 'production', '${id.version2}', '${id.user}');
    insert into prompt_label_events (prompt_id, label, from_version, to_version, actor_user_id) values ('${id.prompt}', 'production', 1, 2, '${id.user}');
    insert into project_protected_labels (project_id, label) values ('${id.project}', 'production');
    insert into organization_tools (id, organization_id, name, parameters) values ('${id.tool}', '${id.organization}', 'search', '{"type": "object"}');
    insert into prompt_tools (prompt_id, tool_id, is_required) values ('${id.prompt}', '${id.tool}', true);
    insert into prompt_test_results (version_id, model, user_message, response, latency_ms) values ('${id.version1}', 'llama3', 'hi', null, 12);
    insert into model_prices (organization_id, model_pattern, input_price_per_million, output_price_per_million)
      values ('${id.organization}', 'my-model*', 0.12345678, 9.87654321);
    insert into traces (id, project_id, trace_id, name, prompt_id, prompt_key, version_number, tags, input, output, span_count, input_tokens, cost, started_at)
      values ('${id.trace}', '${id.project}', 'trace-1', 'chat', '${id.prompt}', 'support-reply', 2, '{prod}', '{"q": "Wie geht''s?"}', '"fine"', ${spans}, 1234567890123, 0.00012345, '2025-03-04 05:06:07.000001+00');
    insert into spans (trace_id, project_id, span_id, type, role, content, input_tokens, cost, started_at)
      select '${id.trace}', '${id.project}', 'span-' || i, 'message', 'user', E'line one\\nline\\ttwo \\\\ ' || i, i, i / 1000.0, timestamptz '2025-03-04 05:06:07+00' + i * interval '1 millisecond'
      from generate_series(1, ${spans}) as i;
    insert into ingested_events (project_id, event_id) values ('${id.project}', 'evt-1'), ('${id.project}', 'evt-2');
    insert into conversation_reports (trace_id, project_id, prompt_id, version_number, success_score, outcome, critical_points, summary, model)
      values ('${id.trace}', '${id.project}', '${id.prompt}', 2, 8, 'success', '["ok"]', 'Good', 'llama3');
    insert into outbox_events (project_id, organization_id, type, payload) values
      ('${id.project}', '${id.organization}', 'prompt.created', '{"key": "support-reply"}'),
      ('${id.project}', '${id.organization}', 'prompt.updated', '{}');
    insert into webhook_subscriptions (id, project_id, endpoint_url, secret_encrypted, events)
      values ('${id.subscription}', '${id.project}', 'https://example.com/hook', 'enc:secret', '{prompt.created}');
    insert into webhook_deliveries (subscription_id, outbox_event_id, event_type, payload, status)
      select '${id.subscription}', id, type, payload, 'succeeded' from outbox_events;
    insert into audit_log (organization_id, project_id, actor_type, actor_user_id, action, metadata, ip)
      values ('${id.organization}', '${id.project}', 'user', '${id.user}', 'prompt.create', '{"fields": ["name"]}', '127.0.0.1');
    insert into instance_settings (key, value) values ('seeded', '{"at": "2025-01-01"}') on conflict (key) do nothing;
    insert into organization_usage (organization_id, period_start, traces, spans) values ('${id.organization}', '2025-03-01', 1, ${spans});
  `);
}
