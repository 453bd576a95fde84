#!/usr/bin/env node
/**
 * Boot: load config, open the data provider, migrate, listen; shut down gracefully on SIGINT/SIGTERM,
 * also when the signal arrives while still booting. `--migrate-only` runs the migrations and exits
 * (for deployments that migrate in a separate step). `--database-only` opens the database (starting the
 * embedded PostgreSQL when that is the provider), records it in runtime.json and waits for a signal,
 * without migrating or serving: the desktop manager backs up and restores a stopped install this way.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { seedDefaultInstructions } from './ai/instructions.js';
import { ConfigError, httpOrigin, loadConfig, type Config } from './config.js';
import { StartupError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { unhandledRejectionListener } from './unhandled-rejections.js';
import { openProvider } from './data/open.js';
import type { DataProvider } from './data/provider.js';
import { createApp } from './http/app.js';
import { startHttpServer, type RunningServer } from './http/server.js';
import { createServices, type Services } from './http/services.js';
import { clerkIdentity } from './auth/clerk/identity.js';
import { resolveEncryptionKey, verifyEncryptionKey } from './system/encryption-key.js';
import { applyInitialization } from './system/init.js';
import { scheduleMaintenance } from './system/maintenance.js';
import { scheduleTraceRetention } from './traces/retention-job.js';
import { startReportWorker } from './reports/job.js';
import { startTestRunWorker } from './prompt-tests/run-job.js';
import { removeRuntimeFile, writeRuntimeFile } from './system/runtime-file.js';
import { appVersion } from './version.js';

type BootMode = 'serve' | 'migrate-only' | 'database-only';

class Engine {
  private provider: DataProvider | undefined;
  private server: RunningServer | undefined;
  private services: Services | undefined;
  private readonly aborted = new AbortController();

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  /** Each step checks for a shutdown request, so a signal during boot stops what was started. */
  async boot(mode: BootMode, migrationTarget?: string): Promise<void> {
    const { config, logger } = this;
    const startedAt = performance.now();
    this.provider = await openProvider(config, logger, this.aborted.signal);
    this.throwIfStopping();
    if (mode === 'database-only') {
      await this.recordRuntime('database');
      logger.info({ dataProvider: this.provider.kind }, 'The database is open (--database-only); waiting for a signal to stop');
      return;
    }
    logger.info(await this.provider.migrate({ target: migrationTarget }), migrationTarget ? `Database schema migrated up to ${migrationTarget}` : 'Database schema is up to date');
    const encryptionKey = await resolveEncryptionKey(config);
    await verifyEncryptionKey(this.provider, encryptionKey, config);
    if (mode === 'migrate-only') return;
    await applyInitialization(config, this.provider, logger);
    this.throwIfStopping();
    const identify = config.auth.provider === 'clerk' ? clerkIdentity : undefined;
    this.services = createServices({ config, provider: this.provider, logger, version: appVersion, encryptionKey, identify });
    await this.seedInstructions();
    this.throwIfStopping();
    const { handler } = createApp(this.services);
    this.server = await startHttpServer(handler, config.host, config.port);
    const url = httpOrigin(config.host, (this.server.address as AddressInfo).port);
    await this.recordRuntime('serve', url);
    // Background upkeep starts after the engine is ready, and never holds up the boot.
    scheduleMaintenance(this.provider, logger).catch((error: unknown) => logger.error({ err: error }, 'Scheduling maintenance failed'));
    scheduleTraceRetention(this.provider, logger).catch((error: unknown) => logger.error({ err: error }, 'Scheduling trace retention failed'));
    startReportWorker(this.services).catch((error: unknown) => logger.error({ err: error }, 'Starting the report worker failed'));
    startTestRunWorker(this.services).catch((error: unknown) => logger.error({ err: error }, 'Starting the test run worker failed'));
    this.services.events.start().catch((error: unknown) => logger.error({ err: error }, 'Starting event delivery failed'));
    logger.info(
      { url, publicUrl: config.publicUrl, dataProvider: this.provider.kind, startupMs: Math.round(performance.now() - startedAt) },
      `ForPrompt ${appVersion} is ready at ${url}`,
    );
  }

  /**
   * The AI instructions shipped with this version, into the built-in system project — before the
   * engine is ready, so a backup taken once it is holds them. A few queries when nothing changed; a
   * failure is logged and the shipped texts are used directly.
   */
  private async seedInstructions(): Promise<void> {
    try {
      const seeded = await seedDefaultInstructions(this.services!);
      if (seeded.created.length + seeded.updated.length > 0) this.logger.info(seeded, 'Seeded the built-in AI instructions');
    } catch (error) {
      this.logger.error({ err: error }, 'Seeding the built-in AI instructions failed (the shipped texts are used)');
    }
  }

  private recordRuntime(mode: 'serve' | 'database', url?: string): Promise<void> {
    return writeRuntimeFile(this.config.home, {
      pid: process.pid,
      mode,
      url,
      dataProvider: this.provider!.kind,
      databaseUrl: this.provider!.databaseUrl,
      stack: this.config.stack,
      version: appVersion,
      startedAt: new Date().toISOString(),
    });
  }

  /** Asks a boot in progress to stop at its next step (a wait for the database ends at once). */
  abort(): void {
    this.aborted.abort();
  }

  /** Stop accepting, drain in-flight requests, then close the provider (and its embedded PostgreSQL). */
  async stop(): Promise<void> {
    await this.server?.close();
    await this.services?.events.stop();
    await removeRuntimeFile(this.config.home);
    await this.provider?.close();
  }

  get stopping(): boolean {
    return this.aborted.signal.aborted;
  }

  private throwIfStopping(): void {
    if (this.stopping) throw new StartupError('Stopped during start-up');
  }
}

function reportStartupFailure(logger: Logger, error: unknown): void {
  const code = (error as NodeJS.ErrnoException).code;
  const message =
    error instanceof StartupError
      ? error.message
      : code === 'EADDRINUSE' || code === 'EACCES'
        ? `Cannot listen: ${(error as Error).message}. Set PORT to a free port (and HOST to the address to bind).`
        : null;
  if (message === null) {
    logger.fatal({ err: error }, 'Startup failed');
    return;
  }
  logger.fatal(message);
  if (!process.stdout.isTTY) process.stderr.write(`ForPrompt engine cannot start: ${message}\n`);
}

async function main(): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`ForPrompt engine cannot start. ${error.message}\nSee .env.example for every variable.\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  process.on('unhandledRejection', unhandledRejectionListener(logger));
  const engine = new Engine(config, logger);
  let booting: Promise<void> = Promise.resolve();

  const shutdown = async (signal: string) => {
    if (engine.stopping) return;
    logger.info({ signal }, 'Shutting down');
    const force = setTimeout(() => {
      logger.error('Shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    engine.abort();
    // A boot still under way stops at its next step; then everything it opened is closed.
    const booted = await booting.then(
      () => true,
      () => false,
    );
    let clean = booted;
    await engine.stop().catch((error: unknown) => {
      clean = false;
      logger.error({ err: error }, 'Error during shutdown');
    });
    logger.info('Stopped');
    process.exit(clean ? 0 : 1);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const mode: BootMode = process.argv.includes('--migrate-only')
    ? 'migrate-only'
    : process.argv.includes('--database-only')
      ? 'database-only'
      : 'serve';
  // `--migrate-only --migrate-to=<tag>`: the desktop manager restores an older backup into its own schema.
  const migrationTarget = process.argv.find((arg) => arg.startsWith('--migrate-to='))?.slice('--migrate-to='.length);
  if (migrationTarget !== undefined && mode !== 'migrate-only') {
    process.stderr.write('ForPrompt engine cannot start: --migrate-to needs --migrate-only\n');
    process.exit(2);
  }
  booting = engine.boot(mode, migrationTarget);
  try {
    await booting;
    // Nothing else may hold the event loop open while the database waits for its users.
    if (mode === 'database-only') setInterval(() => {}, 2 ** 30);
    if (mode === 'migrate-only') {
      await engine.stop();
      process.exit(0);
    }
  } catch (error) {
    if (engine.stopping) return; // shutdown() reports and exits
    reportStartupFailure(logger, error);
    await engine.stop().catch(() => {});
    process.exit(1);
  }
}

void main();
