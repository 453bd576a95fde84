import type { Response } from 'express';
import { z } from 'zod';
import { allows } from '../access/permissions.js';
import { userOf } from '../access/context.js';
import { actingUser } from '../auth/session-cookie.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { text } from '../http/fields.js';
import { defineRoute, type AnyRouteDefinition } from '../http/registry.js';
import type { Services } from '../http/services.js';
import { requireProject } from '../projects/service.js';
import { diffVersions, versionDiffView } from './diff.js';
import { promotionRequestView, toPromotionView } from './promotion-views.js';
import { labelName, movableLabel } from './schema.js';
import { resolveOrThrow } from './service.js';

const tags = ['prompts'];
const projectBase = '/api/dashboard/orgs/:orgId/projects/:projectId';
const projectParams = z.object({ orgId: z.uuid(), projectId: z.uuid() });
const requestParams = projectParams.extend({ requestId: z.uuid() });
const protectedLabelsView = z.object({ labels: z.array(z.object({ label: z.string(), createdAt: z.date() })) });
const decisionBody = z.strictObject({ note: text(1000).nullable().optional() });
const statusFilter = z.enum(['pending', 'approved', 'rejected', 'cancelled', 'superseded']);

/** Whether the signed-in caller moves protected labels at once (admins) or asks (members). */
export function mayMoveProtected(res: Response): boolean {
  const { role } = userOf(res);
  return role !== null && allows(role, 'label.protected.move');
}

async function requestOrThrow(services: Services, projectId: string, requestId: string) {
  const request = await services.provider.promotions.get(projectId, requestId);
  if (!request) throw new NotFoundError('Promotion request', 'promotion_request_not_found');
  return request;
}

const protectedView = (labels: Array<{ label: string; createdAt: Date }>) => ({ labels: labels.map(({ label, createdAt }) => ({ label, createdAt })) });

export function promotionRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: `${projectBase}/protected-labels`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: "The project's protected labels (only admins move them; others' moves become promotion requests)",
      tags,
      request: { params: projectParams },
      responses: { 200: { description: 'Protected labels', schema: protectedLabelsView } },
      handler: async ({ params }, { services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        return protectedView(await services.provider.promotions.protectedLabels(project.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: `${projectBase}/protected-labels`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'label.protected.move',
      summary: 'Protect a label in this project',
      tags,
      request: { params: projectParams, body: z.strictObject({ label: movableLabel }) },
      responses: { 200: { description: 'Protected labels', schema: protectedLabelsView } },
      handler: async ({ params, body }, { req, res, services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        return protectedView(await services.provider.promotions.protect(actingUser(req, res), project.id, body.label));
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${projectBase}/protected-labels/:label`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'label.protected.move',
      summary: 'Stop protecting a label (pending requests stay for an admin to decide)',
      tags,
      request: { params: projectParams.extend({ label: labelName }) },
      responses: { 200: { description: 'Protected labels', schema: protectedLabelsView } },
      handler: async ({ params }, { req, res, services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        return protectedView(await services.provider.promotions.unprotect(actingUser(req, res), project.id, params.label));
      },
    }),
    defineRoute({
      method: 'get',
      path: `${projectBase}/promotion-requests`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: 'Promotion requests, newest first (filter by status and prompt)',
      tags,
      request: {
        params: projectParams,
        query: z.object({
          status: statusFilter.optional(),
          key: z.string().max(128).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: z.coerce.date().optional(),
        }),
      },
      responses: { 200: { description: 'Requests', schema: z.object({ requests: z.array(promotionRequestView) }) } },
      handler: async ({ params, query }, { services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        const requests = await services.provider.promotions.list(project.id, query);
        return { requests: requests.map(toPromotionView) };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${projectBase}/promotion-requests/:requestId`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: 'A promotion request with the diff it would deploy (from what the label points at now)',
      tags,
      request: { params: requestParams },
      responses: { 200: { description: 'The request and its diff', schema: z.object({ request: promotionRequestView, diff: versionDiffView.nullable() }) } },
      handler: async ({ params }, { services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        const request = await requestOrThrow(services, project.id, params.requestId);
        const to = await resolveOrThrow(services, project.id, request.promptKey, { version: request.toVersion });
        const base = request.currentVersion ?? request.fromVersion;
        const from = base === null ? null : await services.provider.prompts.resolve(project.id, request.promptKey, { version: base });
        return { request: toPromotionView(request), diff: from ? diffVersions(to.prompt.kind, from.version, to.version) : null };
      },
    }),
    ...(['approve', 'reject'] as const).map((decision) =>
      defineRoute({
        method: 'post',
        path: `${projectBase}/promotion-requests/:requestId/${decision}`,
        surface: 'dashboard',
        auth: 'session',
        permission: 'label.protected.move',
        summary: decision === 'approve' ? 'Approve: the label moves now' : 'Reject: nothing moves',
        tags,
        request: { params: requestParams, body: decisionBody },
        responses: { 200: { description: 'The decided request', schema: promotionRequestView } },
        handler: async ({ params, body }, { req, res, services }) => {
          const project = await requireProject(services, params.orgId, params.projectId);
          return toPromotionView(await services.provider.promotions.decide(actingUser(req, res), project.id, params.requestId, decision, body.note));
        },
      }),
    ),
    defineRoute({
      method: 'post',
      path: `${projectBase}/promotion-requests/:requestId/cancel`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.write',
      summary: 'Withdraw your own pending request',
      tags,
      request: { params: requestParams, body: decisionBody },
      responses: { 200: { description: 'The cancelled request', schema: promotionRequestView } },
      handler: async ({ params, body }, { req, res, services }) => {
        const project = await requireProject(services, params.orgId, params.projectId);
        const request = await requestOrThrow(services, project.id, params.requestId);
        if (request.requestedBy.userId !== userOf(res).userId) {
          throw new ForbiddenError('Only the person who asked can withdraw a request; an admin rejects it instead', 'not_requester');
        }
        return toPromotionView(await services.provider.promotions.decide(actingUser(req, res), project.id, params.requestId, 'cancel', body.note));
      },
    }),
  ];
}
