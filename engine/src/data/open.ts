import type { Config } from '../config.js';
import { StartupError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DataProvider } from './provider.js';
import { waitForDatabase } from './postgres/database.js';
import { createPostgresProvider } from './postgres/provider.js';
import { startEmbeddedPostgres } from './embedded/server.js';

/** Opens the configured provider: reachable and ready for `migrate()`, but not yet migrated. */
export async function openProvider(config: Config, logger: Logger, signal?: AbortSignal): Promise<DataProvider> {
  switch (config.dataProvider) {
    case 'postgresql': {
      const connectionString = config.databaseUrl!;
      await waitForDatabase(connectionString, config.databaseConnectTimeoutMs, logger, signal);
      return createPostgresProvider({ connectionString, logger });
    }
    case 'embedded': {
      const server = await startEmbeddedPostgres({ home: config.home, preferredPort: config.embeddedPgPort, logger });
      return createPostgresProvider({
        connectionString: server.databaseUrl,
        logger,
        kind: 'embedded',
        poolSize: 8,
        onClose: () => server.stop(),
      });
    }
    case 'convex':
      throw new StartupError(
        'DATA_PROVIDER=convex is not yet available in this version. Use DATA_PROVIDER=embedded (the default) or DATA_PROVIDER=postgresql with DATABASE_URL.',
      );
  }
}
