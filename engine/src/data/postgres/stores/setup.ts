import { sql } from 'drizzle-orm';
import { organizationMembers, users } from '../schema/index.js';
import { record } from '../write.js';
import type { Database } from '../database.js';
import { ConflictError } from '../../../errors.js';
import type { SetupStore } from '../../provider.js';
import { insertOrganization, toOrganization } from './organizations.js';
import { insertProject, toProject } from './projects.js';
import { toUser } from './users.js';

/** Serialises concurrent first-run requests: the second sees the first one's user and refuses. */
const SETUP_LOCK_KEY = 727_270_002;

export function setupStore(db: Database): SetupStore {
  return {
    async bootstrap(ctx, input) {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
        const [existing] = await tx.select({ count: sql<number>`count(*)::int` }).from(users);
        if ((existing?.count ?? 0) > 0) throw new ConflictError('This instance is already set up; sign in instead', 'setup_already_done');
        const [userRow] = await tx
          .insert(users)
          .values({ email: input.email.trim().toLowerCase(), passwordHash: input.passwordHash, firstName: input.firstName ?? null, lastName: input.lastName ?? null, onboardingCompleted: true })
          .returning();
        const user = toUser(userRow!);
        const organization = toOrganization(await insertOrganization(tx, input.organizationName, undefined));
        await tx.insert(organizationMembers).values({ organizationId: organization.id, userId: user.id, role: 'owner' });
        const project = toProject(await insertProject(tx, organization.id, { name: input.projectName }));
        // Recorded as the new owner's own act.
        await record(tx, { ...ctx, actor: { type: 'user', userId: user.id } }, {
          audit: {
            organizationId: organization.id,
            action: 'instance.setup',
            targetType: 'organization',
            targetId: organization.id,
            summary: `first-run setup: owner ${user.email}, organization "${organization.name}", project "${project.name}"`,
          },
          events: [
            { organizationId: organization.id, type: 'organization.created', payload: { organizationId: organization.id } },
            { organizationId: organization.id, projectId: project.id, type: 'project.created', payload: { projectId: project.id } },
          ],
        });
        return { user, organization, project };
      });
    },
  };
}
