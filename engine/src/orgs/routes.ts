import { z } from 'zod';
import { userOf } from '../access/context.js';
import { actingUser, requestContext } from '../auth/session-cookie.js';
import { NotFoundError } from '../errors.js';
import { assertSlugConfirmed, confirmSlugBody } from '../http/fields.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import {
  acceptInvitationBody,
  changeRoleBody,
  createInvitationBody,
  createOrganizationBody,
  invitationCreated,
  invitationParams,
  invitationPreview,
  invitationView,
  memberParams,
  memberView,
  organizationView,
  orgParams,
  renameOrganizationBody,
  resetLink,
  tokenParams,
} from './schema.js';
import { acceptInvitation, assertManagedHere, inviteMember, issueResetLink, previewInvitation } from './service.js';

const tags = ['organizations'];
const ok = z.object({ ok: z.literal(true) });

export function organizationRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs',
      surface: 'dashboard',
      auth: 'session',
      permission: 'self',
      summary: 'Organizations you belong to, with your role',
      tags,
      responses: { 200: { description: 'Organizations', schema: z.object({ organizations: z.array(organizationView) }) } },
      handler: async (_input, { res, services }) => ({ organizations: await services.provider.orgs.listForUser(userOf(res).userId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/orgs',
      surface: 'dashboard',
      auth: 'session',
      permission: 'self',
      summary: 'Create an organization (you become its owner)',
      tags,
      request: { body: createOrganizationBody },
      responses: { 201: { description: 'Created', schema: organizationView } },
      handler: async ({ body }, { req, res, services }) => {
        assertManagedHere(services);
        const { userId } = userOf(res);
        const organization = await services.provider.orgs.create(requestContext(req, { type: 'user', userId }), { name: body.name, ownerUserId: userId });
        return new Reply(201, { ...organization, role: 'owner' as const });
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/dashboard/orgs/:orgId',
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.manage',
      summary: 'Rename the organization',
      tags,
      request: { params: orgParams, body: renameOrganizationBody },
      responses: { 200: { description: 'Renamed', schema: organizationView } },
      handler: async ({ params, body }, { req, res, services }) => {
        assertManagedHere(services);
        return services.provider.orgs.rename(actingUser(req, res), params.orgId, body.name);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/dashboard/orgs/:orgId',
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.delete',
      summary: 'Delete the organization and everything in it (type its slug to confirm)',
      tags,
      request: { params: orgParams, body: confirmSlugBody },
      responses: { 200: { description: 'Deleted', schema: ok } },
      handler: async ({ params, body }, { req, res, services }) => {
        assertManagedHere(services);
        const organization = await services.provider.orgs.get(params.orgId);
        if (!organization) throw new NotFoundError('Organization', 'organization_not_found');
        assertSlugConfirmed('organization', organization.slug, body.confirmSlug);
        await services.provider.orgs.delete(actingUser(req, res), params.orgId);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs/:orgId/members',
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.read',
      summary: 'Members and their roles',
      tags,
      request: { params: orgParams },
      responses: { 200: { description: 'Members', schema: z.object({ members: z.array(memberView) }) } },
      handler: async ({ params }, { services }) => ({ members: await services.provider.members.list(params.orgId) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/dashboard/orgs/:orgId/members/:userId',
      surface: 'dashboard',
      auth: 'session',
      permission: 'member.manage',
      summary: "Change a member's role (the last owner cannot be demoted)",
      tags,
      request: { params: memberParams, body: changeRoleBody },
      responses: { 200: { description: 'Changed', schema: memberView } },
      handler: async ({ params, body }, { req, res, services }) => {
        assertManagedHere(services);
        const actor = userOf(res);
        return services.provider.members.changeRole(requestContext(req, { type: 'user', userId: actor.userId }), params.orgId, params.userId, body.role, actor.role);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/dashboard/orgs/:orgId/members/:userId',
      surface: 'dashboard',
      auth: 'session',
      permission: 'member.manage',
      summary: 'Remove a member (not the last owner)',
      tags,
      request: { params: memberParams },
      responses: { 200: { description: 'Removed', schema: ok } },
      handler: async ({ params }, { req, res, services }) => {
        assertManagedHere(services);
        const actor = userOf(res);
        await services.provider.members.remove(requestContext(req, { type: 'user', userId: actor.userId }), params.orgId, params.userId, actor.role);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/orgs/:orgId/leave',
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.read',
      summary: 'Leave the organization (the last owner cannot)',
      tags,
      request: { params: orgParams },
      responses: { 200: { description: 'Left', schema: ok } },
      handler: async ({ params }, { req, res, services }) => {
        assertManagedHere(services);
        const { userId, role } = userOf(res);
        await services.provider.members.remove(requestContext(req, { type: 'user', userId }), params.orgId, userId, role);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/orgs/:orgId/members/:userId/reset-link',
      surface: 'dashboard',
      auth: 'session',
      permission: 'member.manage',
      summary: 'Issue a one-time password reset link for a member (shown to you to pass on)',
      tags,
      request: { params: memberParams },
      responses: { 201: { description: 'The link, valid for a day', schema: resetLink } },
      handler: async ({ params }, { req, res, services }) => {
        return new Reply(201, await issueResetLink(services, req, params.orgId, userOf(res).userId, params.userId));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs/:orgId/invitations',
      surface: 'dashboard',
      auth: 'session',
      permission: 'member.manage',
      summary: 'Invitations, newest first',
      tags,
      request: { params: orgParams },
      responses: { 200: { description: 'Invitations', schema: z.object({ invitations: z.array(invitationView) }) } },
      handler: async ({ params }, { services }) => ({ invitations: await services.provider.invitations.list(params.orgId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/orgs/:orgId/invitations',
      surface: 'dashboard',
      auth: 'session',
      permission: 'member.manage',
      summary: 'Invite someone by link (re-inviting an address replaces its pending link)',
      tags,
      request: { params: orgParams, body: createInvitationBody },
      responses: { 201: { description: 'The invitation and its link, shown once', schema: invitationCreated } },
      handler: async ({ params, body }, { req, res, services }) => new Reply(201, await inviteMember(services, req, params.orgId, userOf(res).userId, body)),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/dashboard/orgs/:orgId/invitations/:invitationId',
      surface: 'dashboard',
      auth: 'session',
      permission: 'member.manage',
      summary: 'Withdraw a pending invitation',
      tags,
      request: { params: invitationParams },
      responses: { 200: { description: 'Revoked', schema: ok } },
      handler: async ({ params }, { req, res, services }) => {
        assertManagedHere(services);
        await services.provider.invitations.revoke(actingUser(req, res), params.orgId, params.invitationId);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/dashboard/invitations/:token',
      surface: 'dashboard',
      auth: 'public',
      summary: 'What an invitation link is for',
      tags,
      request: { params: tokenParams },
      responses: { 200: { description: 'The invitation', schema: invitationPreview } },
      handler: async ({ params }, { services }) => previewInvitation(services, params.token),
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/invitations/:token/accept',
      surface: 'dashboard',
      auth: 'public',
      summary: 'Accept an invitation (signed in, or creating the invited account)',
      tags,
      request: { params: tokenParams, body: acceptInvitationBody },
      responses: {
        200: {
          description: 'Joined',
          schema: z.object({ organizationId: z.uuid(), role: memberView.shape.role, csrfToken: z.string().nullable() }),
        },
      },
      handler: async ({ params, body }, { req, res, services }) => acceptInvitation(services, req, res, params.token, body),
    }),
  ];
}
