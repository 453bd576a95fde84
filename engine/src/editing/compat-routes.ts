import { authOf, type AuthContext } from '../access/context.js';
import { AI_DISABLED_RESPONSE } from '../ai/schema.js';
import { UnauthorizedError } from '../errors.js';
import { defineRoute, type AnyRouteDefinition } from '../http/registry.js';
import { requestSignal } from '../http/request-signal.js';
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
      auth: 'apiKeyOrSession',
      permission: 'ai.use',
      summary: "The original's streaming AI edit: a project API key (X-API-Key or Bearer) or a dashboard session",
      description:
        'Server-sent events `data: {"type":"thinking"|"content","content"}` as the model writes, then `data: {"type":"response","response","proposedPrompt"}` (conversation, edit or interview, validated) or `data: {"type":"error","content","code"}`, then `data: [DONE]`. With a session, `organizationId` names the organization when the user is in several.',
      tags: ['ai', 'compat'],
      request: { body: compatEditBody },
      rateLimit: { bucket: 'edit-prompt', limit: 60, windowSeconds: 60 },
      responses: {
        200: { description: 'text/event-stream; each event\'s data is one of these JSON objects', schema: compatEditStreamEvent, alsoAs: ['text/event-stream'] },
        401: { description: 'Neither a valid project API key nor a session' },
        403: { description: 'The signed-in user is a viewer of the organization, or the request failed the CSRF check' },
        404: { description: 'The signed-in user is not in the organization named' },
        409: AI_DISABLED_RESPONSE,
      },
      handler: async ({ body }, { res, services }) => {
        const signal = requestSignal(res);
        const caller = editCallerOf(authOf(res));
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

/** A project API key acts in its project; a session in the organization the authenticator chose (its `organizationId`). */
function editCallerOf(auth: AuthContext): EditCaller {
  if (auth.kind === 'apiKey') return { organizationId: auth.organizationId, projectId: auth.projectId, userId: null };
  if (!auth.organizationId) throw new UnauthorizedError('Send a project API key (X-API-Key) or sign in', 'unauthorized');
  return { organizationId: auth.organizationId, projectId: null, userId: auth.userId };
}
