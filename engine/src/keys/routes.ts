import { z } from 'zod';
import { requireProject } from '../projects/service.js';
import { apiKeyOf } from '../access/context.js';
import { boundedDate, displayName, text } from '../http/fields.js';
import { actingUser } from '../auth/session-cookie.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { maskSecret } from '../lib/secret-box.js';
import { apiKeyPrefix, generateApiKey, sha256Hex } from '../lib/tokens.js';
import { projectParams, projectView } from '../projects/routes.js';

const apiKeyView = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  name: z.string(),
  keyPrefix: z.string(),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  createdAt: z.date(),
  status: z.enum(['active', 'expiring', 'expired', 'revoked']),
});
const keyCreated = z.object({ apiKey: apiKeyView, secret: z.string().describe('The full key. Shown once: only its hash is stored.') });
const keyParams = projectParams.extend({ keyId: z.uuid() });
const createKeyBody = z.strictObject({ name: displayName, expiresAt: boundedDate.refine((date) => date.getTime() > Date.now(), 'must be in the future').nullable().default(null) });
const rotateKeyBody = z.strictObject({ gracePeriodHours: z.number().min(0).max(24 * 30).default(24) });

const providerKeyView = z.object({ id: z.uuid(), service: z.enum(['openrouter', 'openai', 'anthropic', 'custom']), name: z.string(), keyHint: z.string(), baseUrl: z.string().nullable(), createdAt: z.date() });
const createProviderKeyBody = z.strictObject({
  service: providerKeyView.shape.service,
  name: displayName,
  apiKey: text(500).transform((value) => value.trim()).pipe(z.string().min(8, 'that does not look like an API key')),
  baseUrl: z.url({ protocol: /^https?$/ }).nullable().default(null),
}).refine((body) => body.service !== 'custom' || body.baseUrl !== null, { path: ['baseUrl'], message: 'required for a custom provider: its OpenAI-compatible endpoint, e.g. http://llm.internal:8000/v1' });
const orgParams = z.object({ orgId: z.uuid() });

/** A fresh key: the secret (shown once) and what is stored of it. */
function newKey() {
  const secret = generateApiKey();
  return { secret, keyHash: sha256Hex(secret), keyPrefix: apiKeyPrefix(secret) };
}

function withStatus<T extends { expiresAt: Date | null; revokedAt: Date | null }>(key: T) {
  const now = Date.now();
  const status = key.revokedAt ? 'revoked' : !key.expiresAt ? 'active' : key.expiresAt.getTime() <= now ? 'expired' : 'expiring';
  return { ...key, status } as T & { status: z.infer<typeof apiKeyView>['status'] };
}

export function keyRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs/:orgId/projects/:projectId/api-keys',
      surface: 'dashboard',
      auth: 'session',
      permission: 'apikey.manage',
      summary: "The project's API keys (never the keys themselves)",
      tags: ['api keys'],
      request: { params: projectParams },
      responses: { 200: { description: 'Keys, newest first', schema: z.object({ apiKeys: z.array(apiKeyView) }) } },
      handler: async ({ params }, { services }) => ({ apiKeys: (await services.provider.apiKeys.list(params.orgId, params.projectId)).map(withStatus) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/orgs/:orgId/projects/:projectId/api-keys',
      surface: 'dashboard',
      auth: 'session',
      permission: 'apikey.manage',
      summary: 'Create an API key; the full key is in this response only',
      tags: ['api keys'],
      request: { params: projectParams, body: createKeyBody },
      responses: { 201: { description: 'Created', schema: keyCreated } },
      handler: async ({ params, body }, { req, res, services }) => {
        const { secret, keyHash, keyPrefix } = newKey();
        const apiKey = await services.provider.apiKeys.create(actingUser(req, res), params.orgId, params.projectId, { name: body.name, keyHash, keyPrefix, expiresAt: body.expiresAt });
        res.setHeader('Cache-Control', 'no-store');
        return new Reply(201, { apiKey: withStatus(apiKey), secret });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/orgs/:orgId/projects/:projectId/api-keys/:keyId/rotate',
      surface: 'dashboard',
      auth: 'session',
      permission: 'apikey.manage',
      summary: 'Replace a key; the old one keeps working for the grace period',
      tags: ['api keys'],
      request: { params: keyParams, body: rotateKeyBody },
      responses: { 201: { description: 'The new key, shown once', schema: keyCreated } },
      handler: async ({ params, body }, { req, res, services }) => {
        const { secret, keyHash, keyPrefix } = newKey();
        const apiKey = await services.provider.apiKeys.rotate(actingUser(req, res), params.orgId, params.projectId, params.keyId, {
          keyHash,
          keyPrefix,
          graceSeconds: Math.round(body.gracePeriodHours * 3600),
        });
        res.setHeader('Cache-Control', 'no-store');
        return new Reply(201, { apiKey: withStatus(apiKey), secret });
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/dashboard/orgs/:orgId/projects/:projectId/api-keys/:keyId',
      surface: 'dashboard',
      auth: 'session',
      permission: 'apikey.manage',
      summary: 'Revoke a key at once',
      tags: ['api keys'],
      request: { params: keyParams },
      responses: { 200: { description: 'Revoked', schema: z.object({ ok: z.literal(true) }) } },
      handler: async ({ params }, { req, res, services }) => {
        await services.provider.apiKeys.revoke(actingUser(req, res), params.orgId, params.projectId, params.keyId);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs/:orgId/provider-keys',
      surface: 'dashboard',
      auth: 'session',
      permission: 'providerkey.manage',
      summary: "The organization's LLM provider keys, masked",
      tags: ['provider keys'],
      request: { params: orgParams },
      responses: { 200: { description: 'Keys', schema: z.object({ providerKeys: z.array(providerKeyView) }) } },
      handler: async ({ params }, { services }) => ({ providerKeys: await services.provider.providerKeys.list(params.orgId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/orgs/:orgId/provider-keys',
      surface: 'dashboard',
      auth: 'session',
      permission: 'providerkey.manage',
      summary: 'Add an LLM provider key (encrypted at rest, never shown again in full)',
      tags: ['provider keys'],
      request: { params: orgParams, body: createProviderKeyBody },
      responses: { 201: { description: 'Added', schema: providerKeyView } },
      handler: async ({ params, body }, { req, res, services }) =>
        new Reply(
          201,
          await services.provider.providerKeys.create(actingUser(req, res), params.orgId, {
            service: body.service,
            name: body.name,
            encryptedKey: services.secretBox.seal(body.apiKey),
            keyHint: maskSecret(body.apiKey),
            baseUrl: body.baseUrl,
          }),
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/dashboard/orgs/:orgId/provider-keys/:keyId',
      surface: 'dashboard',
      auth: 'session',
      permission: 'providerkey.manage',
      summary: 'Delete a provider key',
      tags: ['provider keys'],
      request: { params: orgParams.extend({ keyId: z.uuid() }) },
      responses: { 200: { description: 'Deleted', schema: z.object({ ok: z.literal(true) }) } },
      handler: async ({ params }, { req, res, services }) => {
        await services.provider.providerKeys.delete(actingUser(req, res), params.orgId, params.keyId);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/project',
      surface: 'v1',
      auth: 'apiKey',
      summary: 'The project this API key belongs to (a quick check that a key works)',
      tags: ['public api'],
      responses: { 200: { description: 'The project', schema: projectView }, 404: { description: "The key's project is gone (project_not_found)" } },
      handler: async (_input, { res, services }) => {
        const { organizationId, projectId } = apiKeyOf(res);
        return requireProject(services, organizationId, projectId);
      },
    }),
  ];
}
