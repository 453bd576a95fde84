import { Webhook, WebhookVerificationError } from 'svix';
import { z } from 'zod';
import { ServiceUnavailableError, ValidationError } from '../../errors.js';
import { defineRoute, type AnyRouteDefinition } from '../../http/registry.js';
import { toFieldIssues } from '../../http/validate.js';
import { clerkEventEnvelope, toSyncEvent } from './events.js';
import type { ClerkRoleMap } from './roles.js';

const webhookResponse = z.object({
  received: z.literal(true),
  result: z.enum(['applied', 'duplicate', 'stale', 'ignored']),
});

/** The svix headers, as svix reads them (it also accepts the unbranded `webhook-*` names). */
function signatureHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const names = ['svix-id', 'svix-timestamp', 'svix-signature', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];
  return Object.fromEntries(names.flatMap((name) => (typeof headers[name] === 'string' ? [[name, headers[name]]] : [])));
}

/** The payload, when the signature over its exact bytes is Clerk's (via svix) and recent. */
function verifiedPayload(secret: string, body: Buffer, headers: Record<string, string>): unknown {
  let webhook: Webhook;
  try {
    webhook = new Webhook(secret);
  } catch {
    throw new ServiceUnavailableError('CLERK_WEBHOOK_SECRET is not a valid signing secret (whsec_…)', 60, 'clerk_webhook_not_configured');
  }
  try {
    return webhook.verify(body, headers);
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw new ValidationError('Invalid webhook signature', [], 'invalid_signature');
    // svix parses the payload only once the signature matched.
    if (error instanceof SyntaxError) throw new ValidationError('Request body is not valid JSON', [{ path: 'body', message: 'malformed JSON' }], 'invalid_json');
    throw error;
  }
}

function invalidEvent(error: z.ZodError, within: 'body' | 'body.data'): ValidationError {
  const issues = toFieldIssues('body', error).map((issue) => ({ ...issue, path: issue.path.replace(/^body/, within) }));
  return new ValidationError(`Invalid Clerk event: ${[...new Set(issues.map((issue) => issue.path))].join(', ')}`, issues);
}

function parseEvent(svixId: string, sentAt: Date, payload: unknown, roleMap: ClerkRoleMap) {
  const envelope = clerkEventEnvelope.safeParse(payload);
  if (!envelope.success) throw invalidEvent(envelope.error, 'body');
  try {
    return toSyncEvent(svixId, envelope.data, roleMap, sentAt);
  } catch (error) {
    if (error instanceof z.ZodError) throw invalidEvent(error, 'body.data');
    throw error;
  }
}

/**
 * Clerk's webhook (issue 4), at the original's path and under /api/auth. Public: the svix signature
 * with CLERK_WEBHOOK_SECRET is the authentication. Applying is idempotent per svix id, so Clerk's
 * retries are safe; a failure answers 5xx and Clerk retries.
 */
export function clerkWebhookRoutes(): AnyRouteDefinition[] {
  return ['/clerk-webhook', '/api/auth/clerk/webhook'].map((path) =>
    defineRoute({
      method: 'post',
      path,
      surface: 'compat',
      auth: 'public',
      rawBody: true,
      summary: 'Clerk webhook: mirrors users, organizations, memberships and invitations',
      description: 'Signed by svix with CLERK_WEBHOOK_SECRET (headers svix-id, svix-timestamp, svix-signature). A replayed svix-id changes nothing.',
      tags: ['auth'],
      responses: {
        200: { description: 'Received; `result` says whether it changed anything', schema: webhookResponse },
        400: { description: 'Bad signature (invalid_signature) or malformed event; nothing written' },
        503: { description: 'CLERK_WEBHOOK_SECRET is not set (clerk_webhook_not_configured)' },
      },
      handler: async ({ body }, { req, services }) => {
        const secret = services.config.auth.clerk.webhookSecret;
        if (!secret) throw new ServiceUnavailableError('Clerk webhooks are not configured: set CLERK_WEBHOOK_SECRET', 60, 'clerk_webhook_not_configured');
        const headers = signatureHeaders(req.headers);
        const payload = verifiedPayload(secret, Buffer.isBuffer(body) ? body : Buffer.alloc(0), headers);
        // Verified above: the id and the time (seconds, within svix's tolerance of now) are part of what svix signed.
        const svixId = headers['svix-id'] ?? headers['webhook-id']!;
        const sentAt = new Date(Number(headers['svix-timestamp'] ?? headers['webhook-timestamp']) * 1000);
        const event = parseEvent(svixId, sentAt, payload, services.config.auth.clerk.roleMap);
        const result = event ? await services.provider.clerk.applyWebhookEvent(event) : 'ignored';
        if (event) services.logger.info({ svixId, type: event.type, result }, 'Clerk webhook event');
        return { received: true as const, result };
      },
    }),
  );
}
