import { and, eq, or, sql } from 'drizzle-orm';
import { instanceSettings, organizationMembers, organizations, projectApiKeys, projects, users } from '../schema/index.js';
import { record } from '../write.js';
import type { Database } from '../database.js';
import { ConflictError } from '../../../errors.js';
import type { SetupStore } from '../../provider.js';
import { insertOrganization, toOrganization } from './organizations.js';
import { insertProject, toProject } from './projects.js';
import { toUser } from './users.js';

/** Serialises concurrent first-run requests: the second sees the first one's user and refuses. */
const SETUP_LOCK_KEY = 727_270_002;
const INIT_STATE_KEY = 'forprompt_init';

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

    async initialize(input) {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
        const ctx = { actor: { type: 'system' as const }, ip: null, userAgent: 'FORPROMPT_INIT' };
        const created: string[] = [];
        const email = input.email.trim().toLowerCase();
        let [user] = await tx.select().from(users).where(eq(sql`lower(${users.email})`, email));
        if (!user) {
          [user] = await tx.insert(users).values({ email, passwordHash: input.passwordHash, onboardingCompleted: true }).returning();
          created.push('user');
        }
        // What an earlier initialization created is found by id, so renaming it later creates no duplicate.
        const [stored] = await tx.select({ value: instanceSettings.value }).from(instanceSettings).where(eq(instanceSettings.key, INIT_STATE_KEY));
        const previous = (stored?.value ?? {}) as { organizationId?: string; projectId?: string };
        let organizationId: string | null = null;
        let projectId: string | null = null;
        if (input.organizationName) {
          const byIdOrName = previous.organizationId
            ? or(eq(organizations.id, previous.organizationId), eq(organizations.name, input.organizationName))
            : eq(organizations.name, input.organizationName);
          let [organization] = await tx
            .select({ id: organizations.id })
            .from(organizations)
            .innerJoin(organizationMembers, eq(organizationMembers.organizationId, organizations.id))
            .where(and(eq(organizationMembers.userId, user!.id), byIdOrName))
            .orderBy(sql`${organizations.id} = ${previous.organizationId ?? null} desc`)
            .limit(1);
          if (!organization) {
            organization = await insertOrganization(tx, input.organizationName, undefined);
            await tx.insert(organizationMembers).values({ organizationId: organization.id, userId: user!.id, role: 'owner' });
            created.push('organization');
          }
          organizationId = organization.id;
        }
        if (organizationId && input.projectName) {
          const byIdOrName = previous.projectId ? or(eq(projects.id, previous.projectId), eq(projects.name, input.projectName)) : eq(projects.name, input.projectName);
          let [project] = await tx
            .select({ id: projects.id })
            .from(projects)
            .where(and(eq(projects.organizationId, organizationId), byIdOrName))
            .orderBy(sql`${projects.id} = ${previous.projectId ?? null} desc`)
            .limit(1);
          if (!project) {
            project = await insertProject(tx, organizationId, { name: input.projectName });
            created.push('project');
          }
          projectId = project.id;
        }
        if (projectId && input.apiKey) {
          const [key] = await tx.select({ projectId: projectApiKeys.projectId }).from(projectApiKeys).where(eq(projectApiKeys.keyHash, input.apiKey.keyHash));
          if (key && key.projectId !== projectId) {
            throw new ConflictError('FORPROMPT_INIT_PROJECT_API_KEY is already registered for another project', 'api_key_taken');
          }
          if (!key) {
            await tx.insert(projectApiKeys).values({ projectId, name: 'Initial key (FORPROMPT_INIT_PROJECT_API_KEY)', ...input.apiKey });
            created.push('apiKey');
          }
        }
        await tx
          .insert(instanceSettings)
          .values({ key: INIT_STATE_KEY, value: { organizationId, projectId } })
          .onConflictDoUpdate({ target: instanceSettings.key, set: { value: { organizationId, projectId }, updatedAt: new Date() } });
        if (created.length > 0) {
          await record(tx, ctx, {
            audit: {
              organizationId,
              projectId,
              action: 'instance.initialized',
              targetType: 'user',
              targetId: user!.id,
              summary: `headless initialization created: ${created.join(', ')}`,
            },
          });
        }
        return created;
      });
    },
  };
}
