import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/errors.js';
import type { IngestEvent } from '@forprompt/sdk/ingest';
import type { AiCallRecord } from '../../src/data/ai-usage.js';
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

      it("lists the keys of every project of an organization, with the project's name, and none of another's", async () => {
        const { ctx, organization } = await userAndOrganization();
        const other = await userAndOrganization();
        const keyOf = (name: string) => ({ name, keyHash: `hash-${uniqueEmail()}`, keyPrefix: 'fp_proj_test', expiresAt: null });
        const web = await provider.projects.create(ctx, organization.id, { name: 'Web' });
        const api = await provider.projects.create(ctx, organization.id, { name: 'API' });
        const first = await provider.apiKeys.create(ctx, organization.id, web.id, keyOf('First'));
        const revoked = await provider.apiKeys.create(ctx, organization.id, api.id, keyOf('Revoked'));
        await provider.apiKeys.revoke(ctx, organization.id, api.id, revoked.id);
        await provider.apiKeys.create(other.ctx, other.organization.id, (await provider.projects.create(other.ctx, other.organization.id, { name: 'Web' })).id, keyOf('Theirs'));
        const listed = await provider.apiKeys.listOfOrganization(organization.id);
        expect(listed.map((key) => [key.projectName, key.name])).toEqual([['API', 'Revoked'], ['Web', 'First']]);
        expect(listed[0]).toMatchObject({ id: revoked.id, projectId: api.id, revokedAt: expect.any(Date) });
        expect(listed[1]).toMatchObject({ id: first.id, projectId: web.id, revokedAt: null });
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

    describe('prompts', () => {
      async function projectOf() {
        const { ctx, organization } = await userAndOrganization();
        const project = await provider.projects.create(ctx, organization.id, { name: 'Prompts' });
        return { ctx, organization, project };
      }
      const text = (template: string, labels?: string[]) => ({ template, variables: [], commitMessage: null, labels });

      it('creates a prompt with version 1 deployed, and resolves it by label, version and latest', async () => {
        const { ctx, project } = await projectOf();
        const created = await provider.prompts.create(ctx, project.id, { key: 'support.greeting', name: 'Greeting', purpose: 'greet' }, text('Hello {{name}}', ['production']));
        expect(created).toMatchObject({ key: 'support.greeting', kind: 'text', purpose: 'greet', latestVersion: 1, labels: { production: 1, latest: 1 } });
        const byLabel = await provider.prompts.resolve(project.id, 'support.greeting', { label: 'production' });
        expect(byLabel).toMatchObject({ version: { version: 1, template: 'Hello {{name}}' }, labels: expect.arrayContaining(['production', 'latest']) });
        expect(await provider.prompts.resolve(project.id, 'support.greeting', { label: 'staging' })).toBeNull();
        expect(await provider.prompts.resolve(project.id, 'support.greeting', { version: 2 })).toBeNull();
        await expect(provider.prompts.create(ctx, project.id, { key: 'support.greeting', name: 'Again' })).rejects.toMatchObject({ code: 'prompt_key_taken' });
      });

      it('numbers concurrent saves 1, 2, 3… without gaps or duplicates', async () => {
        const { ctx, project } = await projectOf();
        await provider.prompts.create(ctx, project.id, { key: 'busy', name: 'Busy' });
        const other = replica();
        const saved = await Promise.all(Array.from({ length: 12 }, (_, n) => (n % 2 ? other : provider).prompts.createVersion(ctx, project.id, 'busy', text(`v${n}`))));
        expect(saved.map((result) => result.version.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, n) => n + 1));
        expect((await provider.prompts.listVersions(project.id, 'busy')).map((version) => version.version)).toEqual(Array.from({ length: 12 }, (_, n) => 12 - n));
      });

      it('reads several prompts and their versions in one go, only within the project', async () => {
        const { ctx, project } = await projectOf();
        const elsewhere = await projectOf();
        await provider.prompts.create(ctx, project.id, { key: 'many.b', name: 'B' }, text('b1'));
        await provider.prompts.createVersion(ctx, project.id, 'many.b', text('b2'));
        await provider.prompts.create(ctx, project.id, { key: 'many.a', name: 'A' }, text('a1'));
        await provider.prompts.create(ctx, project.id, { key: 'many.empty', name: 'No versions' });
        await provider.prompts.create(elsewhere.ctx, elsewhere.project.id, { key: 'many.c', name: 'C' }, text('c1'));
        const keys = ['many.b', 'many.a', 'many.empty', 'many.c', 'many.missing'];
        expect((await provider.prompts.getMany(project.id, keys)).map((prompt) => prompt.key)).toEqual(['many.a', 'many.b', 'many.empty']);
        const versions = await provider.prompts.listVersionsOf(project.id, keys);
        expect(Object.fromEntries([...versions].map(([key, list]) => [key, list.map((version) => version.template)]))).toEqual({ 'many.a': ['a1'], 'many.b': ['b2', 'b1'] });
        expect(await provider.prompts.getMany(project.id, [])).toEqual([]);
      });

      it('moves labels with a deploy history, refuses a missing version and the automatic latest', async () => {
        const { ctx, organization, project } = await projectOf();
        await provider.prompts.create(ctx, project.id, { key: 'deploy', name: 'Deploy' }, text('one', ['production']));
        await provider.prompts.createVersion(ctx, project.id, 'deploy', text('two'));
        await provider.prompts.createVersion(ctx, project.id, 'deploy', text('three', ['staging']));
        const moved = await provider.prompts.moveLabels(ctx, project.id, 'deploy', [{ label: 'production', version: 3 }]);
        expect(moved.promotionRequests).toEqual([]);
        expect(moved.prompt.labels).toEqual({ production: 3, staging: 3, latest: 3 });
        await provider.prompts.moveLabels(ctx, project.id, 'deploy', [{ label: 'production', version: 1 }]);
        await expect(provider.prompts.moveLabels(ctx, project.id, 'deploy', [{ label: 'production', version: 9 }])).rejects.toMatchObject({ code: 'version_not_found', httpStatus: 409 });
        await expect(provider.prompts.moveLabels(ctx, project.id, 'deploy', [{ label: 'latest', version: 1 }])).rejects.toMatchObject({ code: 'label_reserved' });
        const history = await provider.prompts.labelHistory(project.id, 'deploy');
        expect(history.filter((event) => event.label === 'production').map((event) => [event.fromVersion, event.toVersion])).toEqual([[3, 1], [1, 3], [null, 1]]);
        const activations = (await provider.outbox.listPending(10_000)).filter((event) => event.organizationId === organization.id && event.type === 'prompt.version.activated');
        // Every production move, the rollback included, activates a version.
        expect(activations.map((event) => event.payload.version)).toEqual([1, 3, 1]);
      });

      it('lists prompts by key with paging and filters, and snapshots every labelled version', async () => {
        const { ctx, project } = await projectOf();
        for (const key of ['c', 'a', 'b']) await provider.prompts.create(ctx, project.id, { key, name: key.toUpperCase(), tags: key === 'b' ? ['beta'] : [] }, text(key, key === 'a' ? ['production'] : []));
        await provider.prompts.create(ctx, project.id, { key: 'empty', name: 'No versions' });
        expect((await provider.prompts.list(project.id, { limit: 2 })).map((prompt) => prompt.key)).toEqual(['a', 'b']);
        expect((await provider.prompts.list(project.id, { limit: 10, after: 'b' })).map((prompt) => prompt.key)).toEqual(['c', 'empty']);
        expect((await provider.prompts.list(project.id, { limit: 10, tag: 'beta' })).map((prompt) => prompt.key)).toEqual(['b']);
        expect((await provider.prompts.list(project.id, { limit: 10, label: 'production' })).map((prompt) => prompt.key)).toEqual(['a']);
        const snapshot = await provider.prompts.snapshot(project.id);
        expect(snapshot.map((entry) => [entry.prompt.key, entry.version.version, entry.labels.sort()])).toEqual([
          ['a', 1, ['latest', 'production']],
          ['b', 1, ['latest']],
          ['c', 1, ['latest']],
        ]);
      });

      it('turns moves of a protected label into promotion requests an admin approves or rejects', async () => {
        const { ctx, organization, project } = await projectOf();
        await provider.prompts.create(ctx, project.id, { key: 'guarded', name: 'Guarded' }, text('one', ['production']));
        await provider.prompts.createVersion(ctx, project.id, 'guarded', text('two'));
        await provider.prompts.createVersion(ctx, project.id, 'guarded', text('three'));
        expect((await provider.promotions.protect(ctx, project.id, 'production')).map((entry) => entry.label)).toEqual(['production']);
        expect((await provider.promotions.protect(ctx, project.id, 'production')).length).toBe(1);
        await expect(provider.promotions.protect(ctx, project.id, 'latest')).rejects.toMatchObject({ code: 'label_reserved' });

        // A member's move (no policy): production stays, a request waits; staging is not protected and moves.
        const asked = await provider.prompts.moveLabels(ctx, project.id, 'guarded', [{ label: 'production', version: 2 }, { label: 'staging', version: 2 }], { comment: 'ready' });
        expect(asked.prompt.labels).toMatchObject({ production: 1, staging: 2 });
        expect(asked.promotionRequests).toMatchObject([{ label: 'production', fromVersion: 1, toVersion: 2, currentVersion: 1, status: 'pending', comment: 'ready', promptKey: 'guarded' }]);
        // A newer request supersedes the pending one; a request for where the label already is, is none.
        const again = await provider.prompts.moveLabels(ctx, project.id, 'guarded', [{ label: 'production', version: 3 }]);
        expect((await provider.promotions.get(project.id, asked.promotionRequests[0]!.id))?.status).toBe('superseded');
        expect((await provider.prompts.moveLabels(ctx, project.id, 'guarded', [{ label: 'production', version: 1 }])).promotionRequests).toEqual([]);
        await expect(provider.prompts.moveLabels(ctx, project.id, 'guarded', [{ label: 'production', version: 9 }])).rejects.toMatchObject({ code: 'version_not_found' });
        // A save that asks for production also waits.
        const saved = await provider.prompts.createVersion(ctx, project.id, 'guarded', text('four', ['production']));
        expect(saved.labels).not.toContain('production');
        expect(saved.promotionRequests.map((request) => request.toVersion)).toEqual([4]);
        expect((await provider.promotions.get(project.id, again.promotionRequests[0]!.id))?.status).toBe('superseded');
        expect((await provider.promotions.list(project.id, { status: 'pending', limit: 10 })).map((request) => request.toVersion)).toEqual([4]);

        const approved = await provider.promotions.decide(ctx, project.id, saved.promotionRequests[0]!.id, 'approve', 'looks good');
        expect(approved).toMatchObject({ status: 'approved', decisionNote: 'looks good', currentVersion: 4, decidedBy: { userId: (ctx.actor as { userId: string }).userId } });
        expect(approved.decidedBy?.name).toBe('Ada');
        expect(approved.requestedBy.name).toBe('Ada');
        expect((await provider.prompts.get(project.id, 'guarded'))?.labels.production).toBe(4);
        await expect(provider.promotions.decide(ctx, project.id, approved.id, 'reject')).rejects.toMatchObject({ code: 'promotion_not_pending', httpStatus: 409 });

        const rejected = await provider.prompts.moveLabels(ctx, project.id, 'guarded', [{ label: 'production', version: 2 }]);
        // Someone without a name on record is named by their email.
        const nameless = await provider.users.create(system, { email: uniqueEmail() });
        const rejection = await provider.promotions.decide({ actor: { type: 'user', userId: nameless.id } }, project.id, rejected.promotionRequests[0]!.id, 'reject');
        expect(rejection).toMatchObject({ status: 'rejected', decidedBy: { name: nameless.email } });
        expect((await provider.prompts.get(project.id, 'guarded'))?.labels.production).toBe(4);

        // An admin's policy moves it at once; unprotecting lets anyone move it.
        expect((await provider.prompts.moveLabels(ctx, project.id, 'guarded', [{ label: 'production', version: 3 }], { mayMoveProtected: true })).prompt.labels.production).toBe(3);
        await provider.promotions.unprotect(ctx, project.id, 'production');
        expect((await provider.prompts.moveLabels(ctx, project.id, 'guarded', [{ label: 'production', version: 2 }])).prompt.labels.production).toBe(2);

        const history = await provider.prompts.labelHistory(project.id, 'guarded');
        expect(history.filter((event) => event.label === 'production').map((event) => event.toVersion)).toEqual([2, 3, 4, 1]);
        const types = (await provider.outbox.listPending(10_000)).filter((event) => event.organizationId === organization.id).map((event) => event.type);
        expect(types.filter((type) => type.startsWith('prompt.promotion.'))).toEqual([
          'prompt.promotion.requested',
          'prompt.promotion.requested',
          'prompt.promotion.requested',
          'prompt.promotion.approved',
          'prompt.promotion.requested',
          'prompt.promotion.rejected',
        ]);
        // Another project's ids are not found.
        const other = await projectOf();
        expect(await provider.promotions.get(other.project.id, approved.id)).toBeNull();
        await expect(provider.promotions.decide(other.ctx, other.project.id, approved.id, 'approve')).rejects.toMatchObject({ code: 'promotion_request_not_found' });
      });

      it("keeps each project's prompts to itself", async () => {
        const first = await projectOf();
        const second = await projectOf();
        await provider.prompts.create(first.ctx, first.project.id, { key: 'private', name: 'Private' }, text('secret', ['production']));
        expect(await provider.prompts.get(second.project.id, 'private')).toBeNull();
        expect(await provider.prompts.resolve(second.project.id, 'private', { label: 'production' })).toBeNull();
        await expect(provider.prompts.createVersion(second.ctx, second.project.id, 'private', text('hijack'))).rejects.toMatchObject({ code: 'prompt_not_found' });
        await expect(provider.prompts.delete(second.ctx, second.project.id, 'private')).rejects.toMatchObject({ code: 'prompt_not_found' });
        expect((await provider.prompts.listVersions(first.project.id, 'private')).length).toBe(1);
      });
    });

    describe('traces', () => {
      let eventCounter = 0;
      const at = (second: number) => new Date(Date.UTC(2025, 0, 31, 12, 0, second)).toISOString();
      const event = <E extends IngestEvent>(type: E['type'], body: E['body'], timestamp = at(0)) =>
        ({ id: `conformance-event-${++eventCounter}`, timestamp, type, body }) as IngestEvent;
      async function tracedProject() {
        const { ctx, organization } = await userAndOrganization();
        return { ctx, project: await provider.projects.create(ctx, organization.id, { name: 'Traced' }) };
      }

      it('applies a batch once: a retry, a repeat within the batch and a replica racing it are duplicates', async () => {
        const { ctx, project } = await tracedProject();
        const batch = [
          event('trace-create', { id: 'chat-1', name: 'Chat', promptKey: 'support', promptVersion: 3, userId: 'u1', tags: ['beta'] }),
          ...Array.from({ length: 20 }, (_, n) => event('span-create', { id: `chat-1-${n}`, traceId: 'chat-1', usage: { inputTokens: 2, outputTokens: 1 }, costUsd: 0.01 })),
        ];
        const other = replica();
        const [first, second] = await Promise.all([provider.traces.ingest(ctx, project.id, batch), other.traces.ingest(ctx, project.id, batch)]);
        batch.forEach((_, index) => expect([first[index], second[index]].sort()).toEqual(['applied', 'duplicate']));
        expect(await provider.traces.ingest(ctx, project.id, batch)).toEqual(batch.map(() => 'duplicate'));
        const repeated = event('span-create', { id: 'chat-1-extra', traceId: 'chat-1', usage: { inputTokens: 5 } });
        expect(await provider.traces.ingest(ctx, project.id, [repeated, repeated])).toEqual(['applied', 'duplicate']);
        expect(await provider.traces.get(project.id, 'chat-1')).toMatchObject({
          name: 'Chat', promptKey: 'support', promptVersion: 3, userId: 'u1', tags: ['beta'], spanCount: 21, inputTokens: 45, outputTokens: 20, costUsd: 0.2,
        });
      });

      it('creates the trace of a span that comes first, fills it in from the trace events, and recounts on updates', async () => {
        const { ctx, project } = await tracedProject();
        await provider.traces.ingest(ctx, project.id, [event('span-create', { id: 'first', traceId: 'later', startTime: at(5), endTime: at(6) })]);
        expect(await provider.traces.get(project.id, 'later')).toMatchObject({ name: null, status: 'active', spanCount: 1, startedAt: new Date(at(5)), latencyMs: 1000 });
        await provider.traces.ingest(ctx, project.id, [
          event('trace-create', { id: 'later', name: 'Later', startTime: at(4), metadata: { a: 1 } }),
          event('span-create', { id: 'second', traceId: 'later', parentSpanId: 'first', type: 'tool_call', startTime: at(7), durationMs: 2000 }),
          event('span-update', { id: 'first', traceId: 'later', status: 'error' }),
          event('trace-update', { id: 'later', status: 'completed', metadata: { b: 2 } }),
        ]);
        const trace = await provider.traces.get(project.id, 'later');
        expect(trace).toMatchObject({ name: 'Later', status: 'error', errorCount: 1, spanCount: 2, startedAt: new Date(at(4)), latencyMs: 5000, metadata: { a: 1, b: 2 } });
        expect(trace!.spans.map((span) => [span.spanId, span.parentSpanId, span.type, span.status, span.durationMs])).toEqual([
          ['first', null, 'message', 'error', 1000],
          ['second', 'first', 'tool_call', 'ok', 2000],
        ]);
      });

      it("lists a project's traces newest first with filters and keyset pages, and keeps them from other projects", async () => {
        const { ctx, project } = await tracedProject();
        const other = await tracedProject();
        await provider.traces.ingest(ctx, project.id, Array.from({ length: 5 }, (_, n) => event('trace-create', { id: `t${n}`, sessionId: n % 2 ? 'odd' : 'even', startTime: at(n) })));
        const all = await provider.traces.list(project.id, { limit: 10 });
        expect(all.map((trace) => trace.traceId)).toEqual(['t4', 't3', 't2', 't1', 't0']);
        const firstPage = await provider.traces.list(project.id, { limit: 2 });
        const nextPage = await provider.traces.list(project.id, { limit: 2, after: firstPage.at(-1)!.cursor });
        expect(nextPage.map((trace) => trace.traceId)).toEqual(['t2', 't1']);
        expect((await provider.traces.list(project.id, { limit: 10, sessionId: 'odd' })).map((trace) => trace.traceId)).toEqual(['t3', 't1']);
        expect((await provider.traces.list(project.id, { limit: 10, from: new Date(at(1)), to: new Date(at(3)) })).map((trace) => trace.traceId)).toEqual(['t2', 't1']);
        expect(await provider.traces.list(other.project.id, { limit: 10 })).toEqual([]);
        expect(await provider.traces.get(other.project.id, 't1')).toBeNull();
        // Event ids are per project: the same id elsewhere is a new event.
        expect(await provider.traces.ingest(other.ctx, other.project.id, [{ ...event('trace-create', { id: 't1' }), id: 'shared-id' }])).toEqual(['applied']);
        expect(await provider.traces.ingest(ctx, project.id, [{ ...event('trace-create', { id: 't1' }), id: 'shared-id' }])).toEqual(['applied']);
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

    describe('the system project', () => {
      const spec = (settingKey: string) => ({ settingKey, organizationName: 'Built-in', projectName: 'System', projectSlug: 'system', projectDescription: 'Owned by the app' });

      it('is created once when replicas ask for it together, in an organization without members', async () => {
        const wanted = spec(`conformance.system.${Date.now()}`);
        expect(await provider.instance.findSystemProject(wanted)).toBeNull();
        const found = await Promise.all([provider.instance.ensureSystemProject(wanted), replica().instance.ensureSystemProject(wanted), replica().instance.ensureSystemProject(wanted)]);
        expect(new Set(found.map((entry) => entry.projectId)).size).toBe(1);
        expect(await provider.instance.findSystemProject(wanted)).toEqual(found[0]);
        expect(await provider.members.list(found[0]!.organizationId)).toEqual([]);
        expect((await provider.projects.get(found[0]!.organizationId, found[0]!.projectId))?.slug).toBe('system');
      });

      it('is created again when it was deleted', async () => {
        const wanted = spec(`conformance.system-deleted.${Date.now()}`);
        const first = await provider.instance.ensureSystemProject(wanted);
        await provider.projects.delete(system, first.organizationId, first.projectId);
        expect(await provider.instance.findSystemProject(wanted)).toBeNull();
        const second = await provider.instance.ensureSystemProject(wanted);
        expect(second.projectId).not.toBe(first.projectId);
      });
    });

    describe('AI settings', () => {
      it("keeps an organization's provider and model, each organization its own, and forgets them with it", async () => {
        const { ctx, organization } = await userAndOrganization('AI settings');
        const other = await userAndOrganization('AI settings, other');
        expect(await provider.aiSettings.get(organization.id)).toEqual({ provider: null, model: null });
        expect(await provider.aiSettings.put(ctx, organization.id, { provider: 'anthropic', model: 'claude-test' })).toEqual({ provider: 'anthropic', model: 'claude-test' });
        expect(await replica().aiSettings.get(organization.id)).toEqual({ provider: 'anthropic', model: 'claude-test' });
        expect(await provider.aiSettings.get(other.organization.id)).toEqual({ provider: null, model: null });
        await provider.aiSettings.put(ctx, organization.id, { provider: null, model: 'any-default' });
        expect(await provider.aiSettings.get(organization.id)).toEqual({ provider: null, model: 'any-default' });
        expect((await provider.audit.list(organization.id, { action: 'organization.ai_settings_changed' })).length).toBe(2);
        await provider.orgs.delete(ctx, organization.id);
        expect(await provider.aiSettings.get(organization.id)).toEqual({ provider: null, model: null });
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

      it('grants reservations of one window from every replica up to the limit, and no further', async () => {
        const key = `conformance:rl-reserve:${Date.now()}`;
        const other = replica();
        const rule = { limit: 10, windowEnd: new Date(Date.now() + 60_000) };
        const results = await Promise.all(Array.from({ length: 6 }, (_, index) => (index % 2 ? other : provider).rateLimits.reserve(key, 3, rule)));
        expect(results.reduce((sum, result) => sum + result.granted, 0)).toBe(10);
        expect(results.map((result) => result.granted).sort()).toEqual([0, 0, 1, 3, 3, 3]);
        expect(await provider.rateLimits.reserve(key, 1, rule)).toEqual({ granted: 0, reserved: 10 });
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

    describe('AI usage', () => {
      const call = (organizationId: string, extra: Partial<AiCallRecord> = {}): AiCallRecord => ({
        organizationId,
        projectId: null,
        userId: null,
        feature: 'analysis',
        provider: 'openai',
        model: 'gpt-test',
        providerKeyId: null,
        inputTokens: 100,
        outputTokens: 20,
        latencyMs: 812.4,
        status: 'ok',
        errorCode: null,
        ...extra,
      });

      it("records calls from every replica and adds their tokens to the organization's month", async () => {
        const { user, organization } = await userAndOrganization('AI usage');
        const project = await provider.projects.create(system, organization.id, { name: 'Assistant' });
        await Promise.all([
          provider.aiUsage.record(call(organization.id, { projectId: project.id, userId: user.id })),
          replica().aiUsage.record(call(organization.id, { inputTokens: 7, outputTokens: 3 })),
          provider.aiUsage.record(call(organization.id, { status: 'error', errorCode: 'ai_timeout', inputTokens: 0, outputTokens: 0 })),
        ]);
        await provider.aiUsage.countRuns(organization.id, 'analysisRuns');
        await replica().aiUsage.countRuns(organization.id, 'tests', 4);
        const calls = await provider.aiUsage.list(organization.id);
        expect(calls).toHaveLength(3);
        expect(calls.find((entry) => entry.projectId === project.id)).toMatchObject({ userId: user.id, feature: 'analysis', latencyMs: 812, status: 'ok' });
        expect(calls.find((entry) => entry.status === 'error')).toMatchObject({ errorCode: 'ai_timeout', inputTokens: 0 });
        expect(await provider.aiUsage.counters(organization.id)).toMatchObject({ aiTokens: 130, tests: 4, analysisRuns: 1, traces: 0 });
        expect(await provider.aiUsage.counters(organization.id, new Date('2001-01-15T00:00:00Z'))).toMatchObject({ periodStart: '2001-01-01', aiTokens: 0 });
      });

      it('records a call whose project or provider key was deleted meanwhile, without them', async () => {
        const { organization } = await userAndOrganization('AI usage, deleted');
        const gone = await provider.projects.create(system, organization.id, { name: 'Gone' });
        await provider.projects.delete(system, organization.id, gone.id);
        await provider.aiUsage.record(call(organization.id, { projectId: gone.id, providerKeyId: gone.id }));
        expect(await provider.aiUsage.list(organization.id)).toEqual([expect.objectContaining({ projectId: null, providerKeyId: null })]);
      });
    });

    describe('maintenance', () => {
      it('purges expired sessions and rate-limit windows, and nothing live', async () => {
        const user = await provider.users.create(system, { email: uniqueEmail() });
        const ctx: WriteContext = { actor: { type: 'user', userId: user.id } };
        const expired = await provider.sessions.create(ctx, { userId: user.id, tokenHash: `expired-${Date.now()}`, expiresAt: new Date(Date.now() - 1_000) });
        const live = await provider.sessions.create(ctx, { userId: user.id, tokenHash: `live-${Date.now()}`, expiresAt: new Date(Date.now() + 60_000) });
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
