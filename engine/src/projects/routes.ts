import { z } from 'zod';
import { requireProject } from './service.js';
import { assertSlugConfirmed, confirmSlugBody, displayName, text } from '../http/fields.js';
import { actingUser } from '../auth/session-cookie.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { slugPattern } from '../lib/slug.js';

const tags = ['projects'];
export const projectParams = z.object({ orgId: z.uuid(), projectId: z.uuid() });
const orgParams = z.object({ orgId: z.uuid() });
const description = text(2000).transform((value) => value.trim()).nullable();
export const projectView = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  name: z.string(),
  slug: z.string(),
  description: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const createProjectBody = z.strictObject({
  name: displayName,
  slug: z.string().regex(slugPattern, 'lower-case letters, digits and single dashes').max(48).optional(),
  description: description.optional(),
});
const updateProjectBody = z.strictObject({ name: displayName.optional(), description: description.optional() });

export function projectRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs/:orgId/projects',
      surface: 'dashboard',
      auth: 'session',
      permission: 'project.read',
      summary: 'Projects of the organization',
      tags,
      request: { params: orgParams },
      responses: { 200: { description: 'Projects', schema: z.object({ projects: z.array(projectView) }) } },
      handler: async ({ params }, { services }) => ({ projects: await services.provider.projects.list(params.orgId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs/:orgId/projects/:projectId',
      surface: 'dashboard',
      auth: 'session',
      permission: 'project.read',
      summary: 'One project',
      tags,
      request: { params: projectParams },
      responses: { 200: { description: 'The project', schema: projectView } },
      handler: async ({ params }, { services }) => {
        return requireProject(services, params.orgId, params.projectId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/orgs/:orgId/projects',
      surface: 'dashboard',
      auth: 'session',
      permission: 'project.manage',
      summary: 'Create a project (the slug is derived from the name unless given; unique per organization)',
      tags,
      request: { params: orgParams, body: createProjectBody },
      responses: { 201: { description: 'Created', schema: projectView } },
      handler: async ({ params, body }, { req, res, services }) =>
        new Reply(201, await services.provider.projects.create(actingUser(req, res), params.orgId, body)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/dashboard/orgs/:orgId/projects/:projectId',
      surface: 'dashboard',
      auth: 'session',
      permission: 'project.manage',
      summary: 'Rename or describe a project',
      tags,
      request: { params: projectParams, body: updateProjectBody },
      responses: { 200: { description: 'Updated', schema: projectView } },
      handler: async ({ params, body }, { req, res, services }) =>
        services.provider.projects.update(actingUser(req, res), params.orgId, params.projectId, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/dashboard/orgs/:orgId/projects/:projectId',
      surface: 'dashboard',
      auth: 'session',
      permission: 'project.manage',
      summary: 'Delete a project and everything in it (type its slug to confirm)',
      tags,
      request: { params: projectParams, body: confirmSlugBody },
      responses: { 200: { description: 'Deleted', schema: z.object({ ok: z.literal(true) }) } },
      handler: async ({ params, body }, { req, res, services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        assertSlugConfirmed('project', project.slug, body.confirmSlug);
        await services.provider.projects.delete(actingUser(req, res), params.orgId, params.projectId);
        return { ok: true as const };
      },
    }),
  ];
}
