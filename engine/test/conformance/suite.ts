import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/errors.js';
import type { DataProvider, OutboxEvent, WriteContext } from '../../src/data/provider.js';

export interface ProviderUnderTest {
  provider: DataProvider;
  /** A second provider instance on the same storage, as a second engine replica would have. */
  openReplica(): DataProvider;
  cleanup(): Promise<void>;
}

const system: WriteContext = { actor: { type: 'system' } };
let emailCounter = 0;
const uniqueEmail = () => `user${++emailCounter}.${Date.now()}@example.com`;

/**
 * The behaviour every DataProvider must show. Each provider's test file calls this with a factory
 * that opens a fresh, migrated store.
 */
export function describeProviderConformance(name: string, open: () => Promise<ProviderUnderTest>): void {
  describe(`DataProvider conformance: ${name}`, () => {
    let subject: ProviderUnderTest;
    let provider: DataProvider;
    const replicas: DataProvider[] = [];
    const replica = () => {
      const opened = subject.openReplica();
      replicas.push(opened);
      return opened;
    };

    beforeAll(async () => {
      subject = await open();
      provider = subject.provider;
    }, 120_000);
    afterAll(async () => {
      for (const opened of replicas) await opened.close();
      await subject?.cleanup();
    }, 60_000);

    async function userAndOrganization(orgName = 'Acme') {
      const user = await provider.users.create(system, { email: uniqueEmail(), firstName: 'Ada' });
      const ctx: WriteContext = { actor: { type: 'user', userId: user.id }, ip: '203.0.113.7', userAgent: 'conformance' };
      const organization = await provider.orgs.create(ctx, { name: orgName, ownerUserId: user.id });
      return { user, ctx, organization };
    }

    describe('schema', () => {
      it('reports the database up and every migration applied', async () => {
        expect(await provider.health()).toEqual({ database: 'up', migrations: 'applied' });
      });

      it('finds nothing to apply when migrated again', async () => {
        const result = await replica().migrate();
        expect(result.applied).toBe(0);
        expect(result.total).toBeGreaterThan(0);
      });
    });

    describe('users and organizations', () => {
      it('finds users by email regardless of case and refuses a second account for the same email', async () => {
        const email = uniqueEmail();
        const user = await provider.users.create(system, { email: email.toUpperCase() });
        expect(user.email).toBe(email);
        expect((await provider.users.findByEmail(email.toUpperCase()))?.id).toBe(user.id);
        await expect(provider.users.create(system, { email })).rejects.toMatchObject({ code: 'email_taken', httpStatus: 409 });
      });

      it('creates an organization with its creator as owner, an audit entry and an outgoing event', async () => {
        const { user, organization } = await userAndOrganization('Acme Labs');
        expect(organization.slug).toMatch(/^acme-labs/);
        expect(await provider.orgs.getRole(organization.id, user.id)).toBe('owner');
        expect((await provider.orgs.listForUser(user.id)).map((entry) => [entry.id, entry.role])).toEqual([[organization.id, 'owner']]);
        const [entry] = await provider.audit.list(organization.id, { action: 'organization.created' });
        expect(entry).toMatchObject({ actorType: 'user', actorUserId: user.id, targetId: organization.id, ip: '203.0.113.7', userAgent: 'conformance' });
        const pending = await provider.outbox.listPending(1000);
        expect(pending.some((event) => event.type === 'organization.created' && event.organizationId === organization.id)).toBe(true);
      });

      it('derives a free slug when the name is taken and refuses an explicit slug that is taken', async () => {
        const first = await userAndOrganization('Same Name');
        const second = await userAndOrganization('Same Name');
        expect(second.organization.slug).not.toBe(first.organization.slug);
        await expect(
          provider.orgs.create(first.ctx, { name: 'Other', slug: first.organization.slug, ownerUserId: first.user.id }),
        ).rejects.toBeInstanceOf(ConflictError);
      });

      it('renames an organization and records before and after', async () => {
        const { ctx, organization } = await userAndOrganization('Before');
        const renamed = await provider.orgs.rename(ctx, organization.id, 'After');
        expect(renamed.name).toBe('After');
        const [entry] = await provider.audit.list(organization.id, { action: 'organization.renamed' });
        expect(entry?.summary).toContain('"Before" → "After"');
      });
    });

    describe('projects', () => {
      it('creates, lists, renames and deletes projects within an organization', async () => {
        const { ctx, organization } = await userAndOrganization();
        const project = await provider.projects.create(ctx, organization.id, { name: 'Support Bot', description: 'Helps' });
        expect(project).toMatchObject({ organizationId: organization.id, slug: 'support-bot', description: 'Helps' });
        const updated = await provider.projects.update(ctx, organization.id, project.id, { name: 'Support Agent' });
        expect(updated).toMatchObject({ name: 'Support Agent', slug: 'support-bot', description: 'Helps' });
        expect((await provider.projects.list(organization.id)).map((entry) => entry.name)).toEqual(['Support Agent']);
        await provider.projects.delete(ctx, organization.id, project.id);
        expect(await provider.projects.get(organization.id, project.id)).toBeNull();
        const actions = (await provider.audit.list(organization.id)).map((entry) => entry.action);
        expect(actions.slice(0, 3)).toEqual(['project.deleted', 'project.updated', 'project.created']);
      });

      it('keeps slugs unique per organization, not across organizations', async () => {
        const a = await userAndOrganization();
        const b = await userAndOrganization();
        const inA = await provider.projects.create(a.ctx, a.organization.id, { name: 'Chat' });
        const inB = await provider.projects.create(b.ctx, b.organization.id, { name: 'Chat' });
        expect([inA.slug, inB.slug]).toEqual(['chat', 'chat']);
        expect((await provider.projects.create(a.ctx, a.organization.id, { name: 'Chat' })).slug).toBe('chat-2');
      });

      it('treats another organization’s project exactly like a missing one, and changes nothing', async () => {
        const owner = await userAndOrganization();
        const intruder = await userAndOrganization();
        const project = await provider.projects.create(owner.ctx, owner.organization.id, { name: 'Private' });
        expect(await provider.projects.get(intruder.organization.id, project.id)).toBeNull();
        expect(await provider.projects.list(intruder.organization.id)).toEqual([]);
        await expect(
          provider.projects.update(intruder.ctx, intruder.organization.id, project.id, { name: 'Hijacked' }),
        ).rejects.toBeInstanceOf(NotFoundError);
        await expect(provider.projects.delete(intruder.ctx, intruder.organization.id, project.id)).rejects.toBeInstanceOf(NotFoundError);
        expect((await provider.projects.get(owner.organization.id, project.id))?.name).toBe('Private');
        expect(await provider.audit.list(intruder.organization.id, { targetType: 'project' })).toEqual([]);
      });

      it('writes nothing — no audit entry, no event — when a command fails', async () => {
        const { ctx, organization } = await userAndOrganization();
        await provider.projects.create(ctx, organization.id, { name: 'Taken', slug: 'taken' });
        const auditBefore = await provider.audit.list(organization.id);
        const eventsBefore = (await provider.outbox.listPending(10_000)).filter((event) => event.organizationId === organization.id);
        await expect(provider.projects.create(ctx, organization.id, { name: 'Again', slug: 'taken' })).rejects.toMatchObject({
          code: 'project_slug_taken',
        });
        expect(await provider.audit.list(organization.id)).toEqual(auditBefore);
        expect((await provider.outbox.listPending(10_000)).filter((event) => event.organizationId === organization.id)).toEqual(eventsBefore);
        expect((await provider.projects.list(organization.id)).map((project) => project.name)).toEqual(['Taken']);
      });
    });

    describe('audit log and outbox', () => {
      it('filters audit entries by action, actor and target', async () => {
        const { user, ctx, organization } = await userAndOrganization();
        const project = await provider.projects.create(ctx, organization.id, { name: 'Audited' });
        expect((await provider.audit.list(organization.id, { actorUserId: user.id })).length).toBe(2);
        expect((await provider.audit.list(organization.id, { targetType: 'project', targetId: project.id })).map((entry) => entry.action)).toEqual([
          'project.created',
        ]);
        expect(await provider.audit.list(organization.id, { since: new Date(Date.now() + 60_000) })).toEqual([]);
      });

      it('drains pending events oldest first, and keeps them when the handler fails', async () => {
        const { ctx, organization } = await userAndOrganization();
        await provider.projects.create(ctx, organization.id, { name: 'One' });
        await provider.projects.create(ctx, organization.id, { name: 'Two' });
        const mine = (events: OutboxEvent[]) => events.filter((event) => event.organizationId === organization.id);
        expect(mine(await provider.outbox.listPending(10_000)).map((event) => event.type)).toEqual([
          'organization.created',
          'project.created',
          'project.created',
        ]);
        await expect(
          provider.outbox.drain(10_000, async () => {
            throw new Error('subscriber down');
          }),
        ).rejects.toThrow('subscriber down');
        expect(mine(await provider.outbox.listPending(10_000))).toHaveLength(3);
        const delivered: OutboxEvent[] = [];
        while ((await provider.outbox.drain(2, async (events) => void delivered.push(...events))) > 0);
        const seqs = mine(delivered).map((event) => event.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(mine(delivered)).toHaveLength(3);
        expect(mine(await provider.outbox.listPending(10_000))).toEqual([]);
      });

      it('lets replicas drain at the same time without delivering an event twice', async () => {
        const { ctx, organization } = await userAndOrganization();
        for (let n = 0; n < 20; n++) await provider.projects.create(ctx, organization.id, { name: `P${n}` });
        const other = replica();
        const seen: string[] = [];
        const drainAll = async (from: DataProvider) => {
          while (
            (await from.outbox.drain(3, async (events) => {
              seen.push(...events.map((event) => event.id));
              await new Promise((resolve) => setTimeout(resolve, 5));
            })) > 0
          );
        };
        await Promise.all([drainAll(provider), drainAll(other)]);
        expect(new Set(seen).size).toBe(seen.length);
        expect(await provider.outbox.listPending(10)).toEqual([]);
      });
    });

    describe('instance settings', () => {
      it('keeps the first value stored under a key', async () => {
        const key = `conformance-${Date.now()}`;
        expect(await provider.instance.getSetting(key)).toBeNull();
        expect(await provider.instance.putSettingIfAbsent(key, { value: 1 })).toEqual({ value: 1 });
        expect(await replica().instance.putSettingIfAbsent(key, { value: 2 })).toEqual({ value: 1 });
      });
    });

    describe('rate limits', () => {
      it('counts hits from every replica against one limit', async () => {
        const key = `conformance:rl:${Date.now()}`;
        const other = replica();
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, index) => (index % 2 ? other : provider).rateLimits.hit(key, { limit: 10, windowSeconds: 60 })),
        );
        expect(results.filter((result) => result.allowed)).toHaveLength(10);
        expect(Math.min(...results.map((result) => result.remaining))).toBe(0);
      });

      it('starts a new window once the old one has passed', async () => {
        const key = `conformance:rl-window:${Date.now()}`;
        await provider.rateLimits.hit(key, { limit: 1, windowSeconds: 1 });
        expect((await provider.rateLimits.hit(key, { limit: 1, windowSeconds: 1 })).allowed).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        expect((await provider.rateLimits.hit(key, { limit: 1, windowSeconds: 1 })).allowed).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        expect(await provider.rateLimits.purgeExpired()).toBeGreaterThanOrEqual(1);
        // Purged: the next hit opens a fresh window with the full allowance.
        expect(await provider.rateLimits.hit(key, { limit: 3, windowSeconds: 60 })).toMatchObject({ allowed: true, remaining: 2 });
      });
    });

    describe('maintenance', () => {
      it('purges expired sessions and rate-limit windows, and nothing live', async () => {
        const user = await provider.users.create(system, { email: uniqueEmail() });
        const ctx: WriteContext = { actor: { type: 'user', userId: user.id } };
        const expired = await provider.sessions.create(ctx, { userId: user.id, tokenHash: `expired-${Date.now()}`, csrfTokenHash: 'x', expiresAt: new Date(Date.now() - 1_000) });
        const live = await provider.sessions.create(ctx, { userId: user.id, tokenHash: `live-${Date.now()}`, csrfTokenHash: 'x', expiresAt: new Date(Date.now() + 60_000) });
        await provider.rateLimits.hit(`purge-${Date.now()}`, { limit: 1, windowSeconds: 1 });
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        const purged = await provider.maintenance.purgeExpired();
        expect(purged.sessions).toBeGreaterThanOrEqual(1);
        expect(purged.rateLimitBuckets).toBeGreaterThanOrEqual(1);
        const remaining = (await provider.sessions.list(user.id)).map((session) => session.id);
        expect(remaining).toEqual([live.id]);
        expect(remaining).not.toContain(expired.id);
      });
    });

    describe('change feed', () => {
      it('delivers a change published by one replica to listeners on another', async () => {
        const listener = replica();
        const received: unknown[] = [];
        const unsubscribe = await listener.changeFeed.subscribe((change) => received.push(change));
        await provider.changeFeed.publish({ topic: 'prompt', data: { projectId: 'p1', key: 'greeting' } });
        await expect.poll(() => received, { timeout: 5_000 }).toEqual([{ topic: 'prompt', data: { projectId: 'p1', key: 'greeting' } }]);
        await unsubscribe();
      });
    });

    describe('job queue', () => {
      it('runs each queued job exactly once across replicas', async () => {
        const other = replica();
        const seen: string[] = [];
        const name = `conformance-${Date.now()}`;
        await provider.jobs.work<{ n: string }>(name, async (payload) => void seen.push(`a:${payload.n}`));
        await other.jobs.work<{ n: string }>(name, async (payload) => void seen.push(`b:${payload.n}`));
        for (const n of ['1', '2', '3']) await provider.jobs.enqueue(name, { n });
        await expect.poll(() => seen.length, { timeout: 20_000, interval: 200 }).toBe(3);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect(seen.map((entry) => entry.slice(2)).sort()).toEqual(['1', '2', '3']);
      }, 40_000);

      it('queues one job per dedupe key within its window', async () => {
        const name = `conformance-dedupe-${Date.now()}`;
        const first = await provider.jobs.enqueue(name, { n: 1 }, { dedupeKey: 'project-1', dedupeWindowSeconds: 60 });
        const second = await replica().jobs.enqueue(name, { n: 2 }, { dedupeKey: 'project-1', dedupeWindowSeconds: 60 });
        const other = await provider.jobs.enqueue(name, { n: 3 }, { dedupeKey: 'project-2', dedupeWindowSeconds: 60 });
        expect(first).toEqual(expect.any(String));
        expect(second).toBeNull();
        expect(other).toEqual(expect.any(String));
      });
    });
  });
}
