import { and, eq, sql } from 'drizzle-orm';
import { instanceSettings, projects } from '../schema/index.js';
import type { Database } from '../database.js';
import type { InstanceStore, SystemProjectSpec } from '../../provider.js';
import { record } from '../write.js';
import { insertOrganization } from './organizations.js';
import { insertProject } from './projects.js';

/** Serialises the creation of the built-in system project between engines starting together. */
const SYSTEM_PROJECT_LOCK_KEY = 727_270_014;

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

    async findSystemProject(spec) {
      return findSystemProject(db, spec);
    },

    async ensureSystemProject(spec) {
      const found = await findSystemProject(db, spec);
      if (found) return found;
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${SYSTEM_PROJECT_LOCK_KEY})`);
        // Another engine may have created it while this one waited.
        const again = await findSystemProject(tx, spec);
        if (again) return again;
        // No member: no person or key reaches it through the organization-scoped API.
        const organization = await insertOrganization(tx, spec.organizationName, undefined);
        const project = await insertProject(tx, organization.id, { name: spec.projectName, slug: spec.projectSlug, description: spec.projectDescription });
        const value = { organizationId: organization.id, projectId: project.id };
        await tx
          .insert(instanceSettings)
          .values({ key: spec.settingKey, value })
          .onConflictDoUpdate({ target: instanceSettings.key, set: { value, updatedAt: new Date() } });
        await record(tx, { actor: { type: 'system' } }, {
          audit: {
            organizationId: organization.id,
            projectId: project.id,
            action: 'instance.system_project_created',
            targetType: 'project',
            targetId: project.id,
            summary: `Created the built-in system project "${spec.projectName}"`,
          },
        });
        return value;
      });
    },
  };
}

/** The project the setting names, when it still exists. */
async function findSystemProject(db: Pick<Database, 'select'>, spec: SystemProjectSpec) {
  const [setting] = await db.select({ value: instanceSettings.value }).from(instanceSettings).where(eq(instanceSettings.key, spec.settingKey));
  const stored = setting?.value as { organizationId?: string; projectId?: string } | undefined;
  if (!stored?.organizationId || !stored.projectId) return null;
  const [project] = await db
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.id, stored.projectId), eq(projects.organizationId, stored.organizationId)));
  return project ? { organizationId: stored.organizationId, projectId: stored.projectId } : null;
}
