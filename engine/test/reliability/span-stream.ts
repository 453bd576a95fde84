import { createForPrompt, type ForPrompt } from '@forprompt/sdk';
import pg from 'pg';

/** The environment of an engine on `databaseUrl`, initialised headless with the project key `apiKey`. */
export function engineEnv(databaseUrl: string, home: string, apiKey: string): Record<string, string> {
  return {
    DATA_PROVIDER: 'postgresql',
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: 'ef'.repeat(32),
    FORPROMPT_HOME: home,
    FORPROMPT_INIT_USER_EMAIL: 'admin@example.com',
    FORPROMPT_INIT_USER_PASSWORD: 'reliability-secret-1',
    FORPROMPT_INIT_ORG_NAME: 'Acme',
    FORPROMPT_INIT_PROJECT_NAME: 'Production',
    FORPROMPT_INIT_PROJECT_API_KEY: apiKey,
  };
}

/** The real SDK with small batches and short timeouts, so a test sees many requests cross a failure. */
export function streamingClient(baseUrl: string, apiKey: string): ForPrompt {
  return createForPrompt({ apiKey, baseUrl, flushAt: 20, flushIntervalMs: 20, timeoutMs: 5_000, logger: false });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Records a trace of `spansPerTrace` spans every few milliseconds until `stop()` is called, the
 * way an application would; `spanIds` holds every span recorded (what the database must end up holding).
 */
export function streamSpans(fp: ForPrompt, spansPerTrace = 10): { spanIds: string[]; stop(): Promise<void> } {
  const spanIds: string[] = [];
  let running = true;
  const done = (async () => {
    for (let traceIndex = 0; running; traceIndex++) {
      const trace = fp.trace({ name: `request ${traceIndex}`, promptKey: 'support-agent', version: 1 });
      for (let index = 0; index < spansPerTrace; index++) {
        spanIds.push(trace.span({ name: `step ${index}`, input: { index }, output: 'ok' }).id);
      }
      trace.end({ status: 'completed' });
      await sleep(10);
    }
  })();
  return {
    spanIds,
    async stop() {
      running = false;
      await done;
    },
  };
}

/** How many rows the spans table holds for these span ids, and how many distinct ids among them. */
export async function countSpans(databaseUrl: string, spanIds: string[]): Promise<{ rows: number; distinct: number; total: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const found = await client.query<{ rows: string; distinct: string }>(
      'select count(*) as rows, count(distinct span_id) as distinct from spans where span_id = any($1::text[])',
      [spanIds],
    );
    const total = await client.query<{ total: string }>('select count(*) as total from spans');
    return { rows: Number(found.rows[0]!.rows), distinct: Number(found.rows[0]!.distinct), total: Number(total.rows[0]!.total) };
  } finally {
    await client.end();
  }
}

export { sleep };
