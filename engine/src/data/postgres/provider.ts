import type { Logger } from '../../logger.js';
import type { DataProvider, ProviderKind } from '../provider.js';
import { MAX_CONCURRENT_INGESTS } from '../traces.js';
import { createDatabase, createPool } from './database.js';
import { migrationHealth, runMigrations } from './migrate.js';
import { onCommit } from './write.js';
import { PostgresChangeFeed } from './ports/change-feed.js';
import { PgBossJobQueue } from './ports/job-queue.js';
import { postgresRateLimits } from './ports/rate-limit.js';
import { aiSettingsStore } from './stores/ai-settings.js';
import { aiUsageStore } from './stores/ai-usage.js';
import { promptTestStore } from './stores/prompt-tests.js';
import { promptAnalysisStore } from './stores/prompt-analyses.js';
import { reportStore } from './stores/reports.js';
import { analyticsStore } from './stores/analytics.js';
import { apiKeyStore } from './stores/api-keys.js';
import { auditStore } from './stores/audit.js';
import { clerkSyncStore } from './stores/clerk.js';
import { instanceStore } from './stores/instance.js';
import { organizationStore } from './stores/organizations.js';
import { invitationStore } from './stores/invitations.js';
import { idempotencyStore } from './stores/idempotency.js';
import { maintenanceStore } from './stores/maintenance.js';
import { memberStore } from './stores/members.js';
import { outboxStore } from './stores/outbox.js';
import { passwordResetStore } from './stores/password-resets.js';
import { projectStore } from './stores/projects.js';
import { promptStore } from './stores/prompts.js';
import { promotionStore } from './stores/promotions.js';
import { providerKeyStore } from './stores/provider-keys.js';
import { sessionStore } from './stores/sessions.js';
import { setupStore } from './stores/setup.js';
import { traceStore } from './stores/traces.js';
import { userStore } from './stores/users.js';

export interface PostgresProviderOptions {
  connectionString: string;
  logger: Logger;
  kind?: ProviderKind;
  poolSize?: number;
  /** Runs after the pool is closed (the embedded provider stops its server here). */
  onClose?: () => Promise<void>;
}

/** The DataProvider on any PostgreSQL 14+ (also used, unchanged, by the embedded provider). */
export function createPostgresProvider(options: PostgresProviderOptions): DataProvider {
  const { connectionString, logger } = options;
  const pool = createPool(connectionString, { max: options.poolSize });
  const db = createDatabase(pool);
  // Ingestion writes on connections of its own: dashboard reads and sign-ins never wait behind it, and
  // a batch stuck behind a slow database is cancelled (57014, answered 503) rather than held — the
  // client retries.
  const ingestPool = createPool(connectionString, { max: MAX_CONCURRENT_INGESTS, applicationName: 'forprompt-ingest', statementTimeoutMs: 10_000 });
  const changeFeed = new PostgresChangeFeed(pool, connectionString, logger);
  onCommit(db, (changes) => changeFeed.emitLocal(changes));
  const jobs = new PgBossJobQueue(connectionString, logger);
  let closing: Promise<void> | null = null;

  return {
    kind: options.kind ?? 'postgresql',
    databaseUrl: connectionString,
    migrate: (options) => runMigrations(pool, logger, { target: options?.target }),
    health: () => migrationHealth(pool),
    instance: instanceStore(db),
    maintenance: maintenanceStore(db),
    idempotency: idempotencyStore(db),
    setup: setupStore(db),
    users: userStore(db),
    sessions: sessionStore(db),
    passwordResets: passwordResetStore(db),
    orgs: organizationStore(db),
    members: memberStore(db),
    invitations: invitationStore(db),
    projects: projectStore(db),
    prompts: promptStore(db),
    promotions: promotionStore(db),
    traces: traceStore(db, createDatabase(ingestPool)),
    analytics: analyticsStore(db),
    apiKeys: apiKeyStore(db),
    providerKeys: providerKeyStore(db),
    aiSettings: aiSettingsStore(db),
    aiUsage: aiUsageStore(db),
    promptAnalyses: promptAnalysisStore(db),
    promptTests: promptTestStore(db),
    reports: reportStore(db),
    audit: auditStore(db),
    clerk: clerkSyncStore(db),
    outbox: outboxStore(db),
    changeFeed,
    jobs,
    rateLimits: postgresRateLimits(db),
    close() {
      closing ??= (async () => {
        await jobs.close().catch((error: unknown) => logger.warn({ err: error }, 'Stopping the job queue failed'));
        try {
          await changeFeed.close();
          await Promise.all([pool.end(), ingestPool.end()]);
        } finally {
          // Stopping the embedded server must happen even if closing the pool failed.
          await options.onClose?.();
        }
      })();
      return closing;
    },
  };
}
