import { z } from 'zod';
import { requireProject } from '../projects/service.js';
import { apiKeyOf } from '../access/context.js';
import { requestContext } from '../auth/session-cookie.js';
import { NotFoundError } from '../errors.js';
import { text } from '../http/fields.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { metadataFields, type PromptSummary, type ResolvedPrompt } from '../data/prompts.js';
import {
  compatCreatedView,
  compatDeletedView,
  compatDeployView,
  compatPromptView,
  compatSyncView,
  compatUpdatedView,
  compatValidateView,
  compatVersionCreatedView,
  metadataShape,
  promptKey,
  versionQueryParam,
} from './schema.js';
import { assertBodyFits, requirePrompt, versionFrom } from './service.js';

/**
 * The original ForPrompt REST API, unchanged for existing SDK and CLI users: `systemPrompt` is a text
 * prompt's template and "active" is the `production` label. Errors keep the original `{ error }`
 * shape; times are milliseconds since the epoch, as the original sent them.
 */
const tags = ['original ForPrompt API'];
const LIMITS = {
  fetch: { bucket: 'compat-prompt-fetch', limit: 200, windowSeconds: 60 },
  cli: { bucket: 'compat-cli', limit: 60, windowSeconds: 60 },
} as const;

const metadataOf = (prompt: PromptSummary) => Object.fromEntries(metadataFields.map((field) => [field, prompt[field] ?? undefined]));
const ctxOf = (req: Parameters<AnyRouteDefinition['handler']>[1]['req'], apiKeyId: string) => requestContext(req, { type: 'api_key', apiKeyId });

function promptDocument(resolved: ResolvedPrompt) {
  const { prompt, version } = resolved;
  return {
    key: prompt.key,
    name: prompt.name,
    description: prompt.description ?? undefined,
    versionNumber: version.version,
    systemPrompt: version.template ?? version.messages?.map((message) => message.content).join('\n\n') ?? '',
    updatedAt: prompt.updatedAt.getTime(),
    ...metadataOf(prompt),
  };
}

export function promptCompatRoutes(): AnyRouteDefinition[] {
  const keyQuery = z.object({ key: promptKey, version: versionQueryParam.optional() });
  return [
    defineRoute({
      method: 'get',
      path: '/api/prompts',
      surface: 'compat',
      auth: 'apiKey',
      rateLimit: LIMITS.fetch,
      summary: 'The deployed (production) version of a prompt, or the version asked for',
      tags,
      request: { query: keyQuery },
      responses: { 200: { description: 'The prompt', schema: compatPromptView }, 404: { description: 'No such prompt, deployed version or version (prompt_not_found)' } },
      handler: async ({ query }, { res, services }) => {
        const { projectId } = apiKeyOf(res);
        const selector = query.version !== undefined ? { version: query.version } : { label: 'production' };
        const resolved = await services.promptCache.resolve(projectId, query.key, selector);
        if (!resolved) throw new NotFoundError(query.version ? `Version ${query.version} of prompt "${query.key}"` : `Deployed version of prompt "${query.key}"`, 'prompt_not_found');
        return promptDocument(resolved);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/prompts',
      surface: 'compat',
      auth: 'apiKey',
      summary: 'Create a prompt; with systemPrompt, version 1 is created and deployed',
      tags,
      request: { body: z.object({ key: promptKey, name: text(100).pipe(z.string().trim().min(1, 'required')), description: text(2000).optional(), systemPrompt: text(200_000).optional() }) },
      responses: { 201: { description: 'Created', schema: compatCreatedView }, 409: { description: 'The key exists (prompt_key_taken)' } },
      handler: async ({ body }, { req, res, services }) => {
        const { projectId, apiKeyId } = apiKeyOf(res);
        const version = body.systemPrompt !== undefined ? versionFrom({ template: body.systemPrompt, labels: ['production'] }) : undefined;
        const prompt = await services.provider.prompts.create(ctxOf(req, apiKeyId), projectId, { key: body.key, name: body.name, description: body.description ?? null }, version);
        const first = version ? await services.provider.prompts.resolve(projectId, body.key, { version: 1 }) : null;
        return new Reply(201, { success: true, promptId: prompt.id, key: prompt.key, ...(first && { versionId: first.version.id, versionNumber: 1 }) });
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/prompts',
      surface: 'compat',
      auth: 'apiKey',
      summary: "Update a prompt's name, description or metadata",
      tags,
      request: { body: z.object({ key: promptKey, name: text(100).optional(), description: text(2000).optional(), ...metadataShape }) },
      responses: { 200: { description: 'Updated', schema: compatUpdatedView }, 404: { description: 'No such prompt (prompt_not_found)' } },
      handler: async ({ body }, { req, res, services }) => {
        const { projectId, apiKeyId } = apiKeyOf(res);
        const { key, ...patch } = body;
        const prompt = await services.provider.prompts.update(ctxOf(req, apiKeyId), projectId, key, patch);
        return { success: true, promptId: prompt.id };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/prompts',
      surface: 'compat',
      auth: 'apiKey',
      summary: 'Delete a prompt',
      tags,
      request: { query: z.object({ key: promptKey }) },
      responses: { 200: { description: 'Deleted', schema: compatDeletedView }, 404: { description: 'No such prompt (prompt_not_found)' } },
      handler: async ({ query }, { req, res, services }) => {
        const { projectId, apiKeyId } = apiKeyOf(res);
        await services.provider.prompts.delete(ctxOf(req, apiKeyId), projectId, query.key);
        return { success: true };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/prompts/versions',
      surface: 'compat',
      auth: 'apiKey',
      summary: 'Add a version (deployed unless setAsActive is false)',
      tags,
      request: { body: z.object({ key: promptKey, systemPrompt: text(200_000), description: text(500).optional(), setAsActive: z.boolean().default(true) }) },
      responses: { 200: { description: 'The new version', schema: compatVersionCreatedView }, 404: { description: 'No such prompt (prompt_not_found)' } },
      handler: async ({ body }, { req, res, services }) => {
        const { projectId, apiKeyId } = apiKeyOf(res);
        const version = versionFrom({ template: body.systemPrompt, commitMessage: body.description ?? null, labels: body.setAsActive ? ['production'] : [] });
        const prompt = await requirePrompt(services, projectId, body.key);
        assertBodyFits(prompt.kind, version);
        const saved = await services.provider.prompts.createVersion(ctxOf(req, apiKeyId), projectId, body.key, version);
        return { success: true, versionId: saved.version.id, versionNumber: saved.version.version };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/sync',
      surface: 'compat',
      auth: 'apiKey',
      rateLimit: LIMITS.fetch,
      summary: 'Every prompt of the project with its deployed version',
      tags,
      responses: { 200: { description: 'All prompts', schema: compatSyncView } },
      handler: async (_input, { res, services }) => {
        const { projectId } = apiKeyOf(res);
        const deployed = new Map((await services.provider.prompts.snapshot(projectId)).filter((entry) => entry.labels.includes('production')).map((entry) => [entry.prompt.key, entry]));
        const prompts = await services.provider.prompts.list(projectId, { limit: 10_000 });
        return {
          projectId,
          syncedAt: Date.now(),
          prompts: prompts.map((prompt) => {
            const active = deployed.get(prompt.key);
            return active
              ? promptDocument(active)
              : { key: prompt.key, name: prompt.name, description: prompt.description ?? undefined, versionNumber: 0, systemPrompt: '', updatedAt: prompt.updatedAt.getTime(), ...metadataOf(prompt) };
          }),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/cli/deploy',
      surface: 'compat',
      auth: 'apiKey',
      rateLimit: LIMITS.cli,
      summary: "The project's prompts with every version, for `forprompt deploy`",
      tags,
      responses: { 200: { description: 'The project and its prompts', schema: compatDeployView }, 404: { description: "The key's project is gone (project_not_found)" } },
      handler: async (_input, { res, services }) => {
        const { projectId, organizationId } = apiKeyOf(res);
        const project = await requireProject(services, organizationId, projectId);
        const prompts = await services.provider.prompts.list(projectId, { limit: 10_000 });
        const versionsByKey = await services.provider.prompts.listVersionsOf(projectId, prompts.map((prompt) => prompt.key));
        const versionOf = (version: { version: number; template: string | null; commitMessage: string | null; createdAt: Date }) => ({
          versionNumber: version.version,
          systemPrompt: version.template ?? '',
          description: version.commitMessage ?? undefined,
          updatedAt: version.createdAt.getTime(),
        });
        return {
          project: { id: project.id, name: project.name, slug: project.slug },
          prompts: prompts.map((prompt) => {
            const versions = versionsByKey.get(prompt.key) ?? [];
            const active = versions.find((version) => version.version === prompt.labels.production);
            return {
              key: prompt.key,
              name: prompt.name,
              description: prompt.description ?? undefined,
              activeVersion: active ? versionOf(active) : null,
              versions: versions.map(versionOf),
              tools: [],
              ...metadataOf(prompt),
            };
          }),
          deployedAt: Date.now(),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/cli/validate',
      surface: 'compat',
      auth: 'apiKey',
      rateLimit: LIMITS.cli,
      summary: 'Check an API key: the project and organization it belongs to',
      tags,
      responses: { 200: { description: 'Valid', schema: compatValidateView }, 404: { description: "The key's project is gone (project_not_found)" } },
      handler: async (_input, { res, services }) => {
        const { projectId, organizationId } = apiKeyOf(res);
        const [project, organization] = await Promise.all([requireProject(services, organizationId, projectId), services.provider.orgs.get(organizationId)]);
        return { valid: true, project: { projectId: project.id, projectName: project.name, projectSlug: project.slug, orgId: organizationId, orgName: organization?.name ?? '' } };
      },
    }),
  ];
}
