import { pino } from 'pino';
import { createPostgresProvider } from '../../src/data/postgres/provider.js';
import { createTestDatabase } from '../helpers/db.js';
import { describeProviderConformance } from './suite.js';

const logger = pino({ level: 'silent' });

describeProviderConformance('postgresql', async () => {
  const database = await createTestDatabase();
  const open = () => createPostgresProvider({ connectionString: database.url, logger });
  const provider = open();
  return {
    provider,
    openReplica: open,
    cleanup: async () => {
      await provider.close();
      await database.drop();
    },
  };
});
