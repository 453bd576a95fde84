#!/usr/bin/env node
/**
 * Boot: load config, open the data provider, migrate, listen; shut down gracefully on SIGINT/SIGTERM.
 * `--migrate-only` runs the migrations and exits (for deployments that migrate in a separate step).
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config.js';
import { StartupError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { openProvider } from './data/open.js';
import type { DataProvider } from './data/provider.js';
import { createApp } from './http/app.js';
import { startHttpServer, type RunningServer } from './http/server.js';
import { resolveEncryptionKey, verifyEncryptionKey } from './system/encryption-key.js';
import { removeRuntimeFile, writeRuntimeFile } from './system/runtime-file.js';
import { appVersion } from './version.js';

async function main(): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ForPrompt engine cannot start. ${error.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const migrateOnly = process.argv.includes('--migrate-only');
  let provider: DataProvider | undefined;
  let server: RunningServer | undefined;
  let stopping = false;

  const shutdown = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Shutting down');
    const force = setTimeout(() => {
      logger.error('Shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    try {
      await server?.close();
      await removeRuntimeFile(config.home);
      await provider?.close();
    } catch (error) {
      logger.error({ err: error }, 'Error during shutdown');
      exitCode = 1;
    }
    logger.info('Stopped');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const startedAt = performance.now();
    const encryptionKey = await resolveEncryptionKey(config);
    provider = await openProvider(config, logger);
    const migration = await provider.migrate();
    logger.info(migration, 'Database schema is up to date');
    await verifyEncryptionKey(provider, encryptionKey);
    if (migrateOnly) {
      await provider.close();
      return;
    }
    const { app } = createApp({ config, provider, logger, version: appVersion });
    server = await startHttpServer(app, config.host, config.port);
    const { port } = server.address as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    await writeRuntimeFile(config.home, {
      pid: process.pid,
      url,
      dataProvider: provider.kind,
      version: appVersion,
      startedAt: new Date().toISOString(),
    });
    logger.info(
      { url, publicUrl: config.publicUrl, dataProvider: provider.kind, startupMs: Math.round(performance.now() - startedAt) },
      `ForPrompt ${appVersion} is ready at ${url}`,
    );
  } catch (error) {
    reportStartupFailure(logger, error);
    stopping = true;
    await server?.close().catch(() => {});
    await provider?.close().catch(() => {});
    process.exit(1);
  }
}

function reportStartupFailure(logger: Logger, error: unknown): void {
  if (error instanceof StartupError || (error as { name?: string }).name === 'EmbeddedPostgresError') {
    logger.fatal((error as Error).message);
    process.stderr.write(`ForPrompt engine cannot start: ${(error as Error).message}\n`);
    return;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    const message = `Cannot listen: ${(error as Error).message}. Set PORT to a free port (and HOST to the address to bind).`;
    logger.fatal(message);
    process.stderr.write(`ForPrompt engine cannot start: ${message}\n`);
    return;
  }
  logger.fatal({ err: error }, 'Startup failed');
}

void main();
