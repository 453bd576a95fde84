import { z } from 'zod';
import { requireProject } from '../projects/service.js';
import { actingUser } from '../auth/session-cookie.js';
import { ConflictError } from '../errors.js';
import { assertSlugConfirmed, displayName, text } from '../http/fields.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import type { Services } from '../http/services.js';
import { chatMessage, listQuery, metadataShape, movableLabel, moveLabelsBody, promptConfig, promptKey, savePromptBody, versionQueryParam } from './schema.js';
import { assertBodyFits, requirePrompt, resolveOrThrow, savePrompt, versionFrom } from './service.js';
import { diffVersions, versionDiffView } from './diff.js';
import { mayMoveProtected } from './promotion-routes.js';
import { toPromotionView } from './promotion-views.js';

const tags = ['prompts'];
const base = '/api/dashboard/orgs/:orgId/projects/:projectId/prompts';
const projectParams = z.object({ orgId: z.uuid(), projectId: z.uuid() });
const promptParams = projectParams.extend({ key: promptKey });

/** The project's id, if it is in the caller's organization. */
const projectIn = async (services: Services, organizationId: string, projectId: string) => (await requireProject(services, organizationId, projectId)).id;

const newVersionBody = z
  .strictObject({
    template: text(200_000).optional(),
    messages: z.array(chatMessage).min(1).max(200).optional(),
    config: promptConfig.optional(),
    commitMessage: text(500).nullable().optional(),
    labels: z.array(movableLabel).max(20).optional(),
  })
  .refine((body) => (body.template === undefined) !== (body.messages === undefined), { message: 'send template (text prompts) or messages (chat prompts)', path: ['template'] });

const updatePromptBody = z.strictObject({
  name: displayName.optional(),
  description: text(2000).nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  ...metadataShape,
});

export function promptDashboardRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: base,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: "The project's prompts, by key",
      tags,
      request: { params: projectParams, query: listQuery },
      responses: { 200: { description: 'A page of prompts' } },
      handler: async ({ params, query }, { services }) => {
        const projectId = await projectIn(services, params.orgId, params.projectId);
        const page = await services.provider.prompts.list(projectId, { limit: query.limit + 1, after: query.cursor, tag: query.tag, label: query.label });
        const prompts = page.slice(0, query.limit);
        return { prompts, nextCursor: page.length > query.limit ? prompts.at(-1)!.key : null };
      },
    }),
    defineRoute({
      method: 'post',
      path: base,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.write',
      summary: 'Create a prompt (with its first version when a template or messages come with it)',
      tags,
      request: { params: projectParams, body: savePromptBody },
      responses: { 201: { description: 'Created' } },
      handler: async ({ params, body }, { req, res, services }) => {
        const projectId = await projectIn(services, params.orgId, params.projectId);
        if (await services.provider.prompts.get(projectId, body.key)) {
          throw new ConflictError(`A prompt with the key "${body.key}" already exists in this project`, 'prompt_key_taken');
        }
        const saved = await savePrompt(services, actingUser(req, res), projectId, body, mayMoveProtected(res));
        return new Reply(201, { ...saved.prompt, promotionRequests: saved.promotionRequests.map(toPromotionView) });
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/:key`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: 'A prompt with its versions (newest first) and deploy history',
      tags,
      request: { params: promptParams },
      responses: { 200: { description: 'The prompt' } },
      handler: async ({ params }, { services }) => {
        const projectId = await projectIn(services, params.orgId, params.projectId);
        const prompt = await requirePrompt(services, projectId, params.key);
        const [versions, history] = await Promise.all([services.provider.prompts.listVersions(projectId, params.key), services.provider.prompts.labelHistory(projectId, params.key)]);
        return { prompt, versions, history };
      },
    }),
    defineRoute({
      method: 'patch',
      path: `${base}/:key`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.write',
      summary: "Change a prompt's name, description, tags or metadata (not its versions)",
      tags,
      request: { params: promptParams, body: updatePromptBody },
      responses: { 200: { description: 'Updated' } },
      handler: async ({ params, body }, { req, res, services }) =>
        services.provider.prompts.update(actingUser(req, res), await projectIn(services, params.orgId, params.projectId), params.key, body),
    }),
    defineRoute({
      method: 'delete',
      path: `${base}/:key`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.write',
      summary: 'Delete a prompt and all its versions (type its key to confirm)',
      tags,
      request: { params: promptParams, body: z.strictObject({ confirmSlug: z.string().min(1, 'type the prompt key to confirm') }) },
      responses: { 200: { description: 'Deleted', schema: z.object({ ok: z.literal(true) }) } },
      handler: async ({ params, body }, { req, res, services }) => {
        assertSlugConfirmed('prompt key', params.key, body.confirmSlug);
        await services.provider.prompts.delete(actingUser(req, res), await projectIn(services, params.orgId, params.projectId), params.key);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${base}/:key/versions`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.write',
      summary: 'Save a new version (versions are never changed in place)',
      tags,
      request: { params: promptParams, body: newVersionBody },
      responses: { 201: { description: 'The new version' } },
      handler: async ({ params, body }, { req, res, services }) => {
        const projectId = await projectIn(services, params.orgId, params.projectId);
        const prompt = await requirePrompt(services, projectId, params.key);
        const version = { ...versionFrom(body), mayMoveProtected: mayMoveProtected(res) };
        assertBodyFits(prompt.kind, version);
        const saved = await services.provider.prompts.createVersion(actingUser(req, res), projectId, params.key, version);
        return new Reply(201, { ...saved, promotionRequests: saved.promotionRequests.map(toPromotionView) });
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/:key/versions/:version`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: 'One version',
      tags,
      request: { params: promptParams.extend({ version: versionQueryParam }) },
      responses: { 200: { description: 'The version' } },
      handler: async ({ params }, { services }) =>
        resolveOrThrow(services, await projectIn(services, params.orgId, params.projectId), params.key, { version: params.version }),
    }),
    defineRoute({
      method: 'patch',
      path: `${base}/:key/labels`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.write',
      summary: 'Deploy or roll back: point labels at versions',
      tags,
      request: { params: promptParams, body: moveLabelsBody.extend({ comment: text(500).nullable().optional() }) },
      responses: {
        200: { description: 'The prompt with its labels' },
        202: { description: 'Moves of protected labels became promotion requests for an admin (other moves were made)' },
      },
      handler: async ({ params, body }, { req, res, services }) => {
        const projectId = await projectIn(services, params.orgId, params.projectId);
        const moves = Object.entries(body.labels).map(([label, version]) => ({ label, version }));
        const outcome = await services.provider.prompts.moveLabels(actingUser(req, res), projectId, params.key, moves, { mayMoveProtected: mayMoveProtected(res), comment: body.comment });
        const result = { ...outcome.prompt, promotionRequests: outcome.promotionRequests.map(toPromotionView) };
        return outcome.promotionRequests.length > 0 ? new Reply(202, result) : result;
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/:key/diff`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: 'Diff of two versions: text by line, chat message by message, config as JSON',
      tags,
      request: {
        params: promptParams,
        query: z.object({ from: z.coerce.number().int().min(1).max(1_000_000_000).optional(), to: z.coerce.number().int().min(1).max(1_000_000_000).optional() }),
      },
      responses: { 200: { description: 'The diff (by default the newest version against the one before it)', schema: versionDiffView } },
      handler: async ({ params, query }, { services }) => {
        const projectId = await projectIn(services, params.orgId, params.projectId);
        const to = await resolveOrThrow(services, projectId, params.key, query.to ? { version: query.to } : { label: 'latest' });
        const from = await resolveOrThrow(services, projectId, params.key, { version: query.from ?? Math.max(1, to.version.version - 1) });
        return diffVersions(to.prompt.kind, from.version, to.version);
      },
    }),
  ];
}
