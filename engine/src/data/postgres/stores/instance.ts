import { eq } from 'drizzle-orm';
import { instanceSettings } from '../schema/index.js';
import type { Database } from '../database.js';
import type { InstanceStore } from '../../provider.js';

export function instanceStore(db: Database): InstanceStore {
  return {
    async getSetting<T>(key: string) {
      const [row] = await db.select().from(instanceSettings).where(eq(instanceSettings.key, key));
      return row ? (row.value as T) : null;
    },

    async putSettingIfAbsent<T>(key: string, value: T) {
      await db.insert(instanceSettings).values({ key, value }).onConflictDoNothing();
      const [row] = await db.select().from(instanceSettings).where(eq(instanceSettings.key, key));
      return row!.value as T;
    },
  };
}
