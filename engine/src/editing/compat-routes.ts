import type { Request, Response } from 'express';
import { allows } from '../access/permissions.js';
import { presentedApiKey } from '../access/api-key-cache.js';
import { AI_DISABLED_RESPONSE } from '../ai/schema.js';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.js';
import { defineRoute, type AnyRouteDefinition } from '../http/registry.js';
import { requestSignal } from '../http/request-signal.js';
import type { Services } from '../http/services.js';
import { openEventStream } from './event-stream.js';
import { compatEditBody, compatEditStreamEvent } from './schema.js';
import { editSystemPrompt, streamEdit, type EditEvent } from './service.js';

interface EditCaller {
  organizationId: string;
  projectId: string | null;
  userId: string | null;
}

/**
 * The original's streaming edit endpoint, with its request and events (`{"type":"thinking"|"content",
 * "content"}` … `[DONE]`), plus a final `{"type":"response","response","proposedPrompt"}` or
 * `{"type":"error","content","code"}`. The original answered anyone and spent the server's key; this
 * one needs a project API key or a signed-in member (role member or higher) and is rate-limited.
 */
export function editingCompatRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/edit-prompt/stream',
      surface: 'compat',
      // Either credential is accepted, so the handler authenticates (editCallerOf) rather than one authenticator.
      auth: 'public',
      summary: "The original's streaming AI edit: a project API key (X-API-Key or Bearer) or a dashboard session",
      description:
        'Server-sent events `data: {"type":"thinking"|"content","content"}` as the model writes, then `data: {"type":"response","response","proposedPrompt"}` (conversation, edit or interview, validated) or `data: {"type":"error","content","code"}`, then `data: [DONE]`. With a session, `organizationId` names the organization when the user is in several.',
      tags: ['ai', 'compat'],
      request: { body: compatEditBody },
      rateLimit: { bucket: 'edit-prompt', limit: 60, windowSeconds: 60 },
      responses: {
        200: { description: 'text/event-stream; each event\'s data is one of these JSON objects', schema: compatEditStreamEvent, alsoAs: ['text/event-stream'] },
        401: { description: 'Neither a valid project API key nor a session' },
        403: { description: 'The signed-in user is a viewer of the organization' },
        404: { description: 'The signed-in user is not in the organization named' },
        409: AI_DISABLED_RESPONSE,
      },
      handler: async ({ body }, { req, res, services }) => {
        const signal = requestSignal(res);
        const caller = await editCallerOf(services, req, res, body.organizationId);
        const { provider } = await services.ai.forRequest({ ...caller, feature: 'edit' });
        const system = await editSystemPrompt(services, caller.organizationId);
        const selection = typeof body.selection === 'string' ? (body.selection ? { text: body.selection } : undefined) : (body.selection ?? undefined);
        const input = { instruction: body.instruction, currentPrompt: body.currentPrompt, selection, history: body.conversationHistory ?? [], model: body.model ?? undefined };
        const stream = openEventStream(res);
        for await (const event of streamEdit(provider, system, input, signal)) stream.send(compatEvent(event));
        stream.sendRaw('[DONE]');
        stream.end();
      },
    }),
  ];
}

function compatEvent(event: EditEvent): unknown {
  switch (event.type) {
    case 'thinking':
    case 'content':
      return { type: event.type, content: event.text };
    case 'reply':
      return { type: 'response', response: event.reply, proposedPrompt: event.proposedPrompt, model: event.model };
    case 'error':
      return { type: 'error', content: event.error.message, code: event.error.code };
  }
}

/** A project API key when one is presented, else the dashboard session (with the ai.use permission in the organization). */
async function editCallerOf(services: Services, req: Request, res: Response, organizationId: string | undefined): Promise<EditCaller> {
  if (presentedApiKey(req.headers) && (req.headers['x-api-key'] || /^Bearer\s+fp_proj_/i.test(req.headers.authorization ?? ''))) {
    const check = await services.apiKeyCache.authenticate(req.headers, (error) => services.logger.warn({ err: error }, 'Recording API key use failed'));
    if (!check.ok) throw new UnauthorizedError(check.message, check.code);
    return { organizationId: check.key.organizationId, projectId: check.key.projectId, userId: null };
  }
  const identity = await services.identify(req, res);
  if (!identity) throw new UnauthorizedError('Send a project API key (X-API-Key) or sign in', 'unauthorized');
  let chosen = organizationId ?? identity.tokenOrganization?.organizationId;
  if (!chosen) {
    const organizations = await services.provider.orgs.listForUser(identity.userId);
    if (organizations.length !== 1) throw new ValidationError('You belong to several organizations: name one in organizationId', [{ path: 'body.organizationId', message: 'required' }]);
    chosen = organizations[0]!.id;
  }
  const role = identity.tokenOrganization?.organizationId === chosen ? identity.tokenOrganization.role : await services.provider.orgs.getRole(chosen, identity.userId);
  if (!role) throw new NotFoundError('Organization', 'organization_not_found');
  if (!allows(role, 'ai.use')) throw new ForbiddenError(`Your role (${role}) cannot use AI features; it needs member or higher`, 'insufficient_role');
  return { organizationId: chosen, projectId: null, userId: identity.userId };
}
