import { z } from 'zod';
import { actingUser } from '../auth/session-cookie.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { displayName } from '../http/fields.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { requireProject } from '../projects/service.js';
import { bundleSchema, exportBundle, importOptions, importReport, planImport } from './bundle.js';
import { promptKey } from './schema.js';

const tags = ['prompts'];
const projectBase = '/api/dashboard/orgs/:orgId/projects/:projectId';
const projectParams = z.object({ orgId: z.uuid(), projectId: z.uuid() });

const keyList = z
  .string()
  .max(20_000)
  .transform((value) => value.split(',').map((key) => key.trim()).filter(Boolean))
  .pipe(z.array(promptKey).max(1000));

export function bundleRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: `${projectBase}/prompt-bundle`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: "Export prompts (every version and label) as a JSON bundle; `keys` (comma-separated) picks some",
      tags,
      request: { params: projectParams, query: z.object({ keys: keyList.optional() }) },
      responses: { 200: { description: 'The bundle (a download)', schema: bundleSchema } },
      handler: async ({ params, query }, { res, services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        const bundle = await exportBundle(services, project, query.keys, services.config.publicUrl);
        res.setHeader('content-disposition', `attachment; filename="${project.slug}-prompts-${bundle.exportedAt.slice(0, 10)}.json"`);
        return bundle;
      },
    }),
    defineRoute({
      method: 'post',
      path: `${projectBase}/prompt-bundle`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'project.manage',
      summary: 'Import a bundle: new prompts are created, missing versions appended, conflicts reported (dryRun to preview)',
      tags,
      bodyLimitBytes: 50 * 1024 * 1024,
      request: { params: projectParams, body: z.strictObject({ bundle: bundleSchema, ...importOptions }) },
      responses: { 200: { description: 'What was (or, with dryRun, would be) imported, prompt by prompt', schema: importReport } },
      handler: async ({ params, body }, { req, res, services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        const { items, results } = await planImport(services, project.id, body.bundle, body);
        const count = (status: string) => results.filter((result) => result.status === status).length;
        const summary = { created: count('created'), updated: count('updated'), unchanged: count('unchanged'), merged: count('merged'), conflicts: count('conflict') };
        if (!body.dryRun && items.length > 0) {
          const source = body.bundle.source?.project ? ` from "${body.bundle.source.project}"` : '';
          await services.provider.prompts.importPrompts(
            actingUser(req, res),
            project.id,
            items,
            `imported ${items.length} prompt(s)${source}: ${summary.created} created, ${summary.updated} updated, ${summary.merged} merged, ${summary.conflicts} conflict(s)`,
          );
        }
        return { dryRun: body.dryRun, results, summary };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${projectBase}/prompts/:key/duplicate`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.write',
      summary: 'Copy a prompt with all its versions into a project of this organization (labels stay behind)',
      tags,
      request: {
        params: projectParams.extend({ key: promptKey }),
        body: z.strictObject({ targetProjectId: z.uuid().optional(), key: promptKey.optional(), name: displayName.optional() }),
      },
      responses: { 201: { description: 'The copy' } },
      handler: async ({ params, body }, { req, res, services }) => {
        const source = await requireProject(services, params.orgId, params.projectId);
        const target = body.targetProjectId ? await requireProject(services, params.orgId, body.targetProjectId) : source;
        const key = body.key ?? params.key;
        if (target.id === source.id && key === params.key) {
          throw new ConflictError('A copy in the same project needs a new key', 'prompt_key_taken');
        }
        const bundle = await exportBundle(services, source, [params.key]);
        const original = bundle.prompts[0];
        if (!original) throw new NotFoundError(`Prompt "${params.key}"`, 'prompt_not_found');
        if (await services.provider.prompts.get(target.id, key)) {
          throw new ConflictError(`A prompt with the key "${key}" already exists in ${target.id === source.id ? 'this' : 'that'} project`, 'prompt_key_taken');
        }
        const copy = { ...original, key, name: body.name ?? original.name };
        const { items } = await planImport(services, target.id, { ...bundle, prompts: [copy] }, { onConflict: 'skip', labels: false });
        const [created] = await services.provider.prompts.importPrompts(
          actingUser(req, res),
          target.id,
          items,
          `prompt "${params.key}" of project "${source.name}" copied as "${key}"${target.id === source.id ? '' : ` into project "${target.name}"`} (${original.versions.length} version(s))`,
        );
        return new Reply(201, created);
      },
    }),
  ];
}
