import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import { apiKeyOf } from '../access/context.js';
import { requestContext } from '../auth/session-cookie.js';
import { AppError, ConflictError } from '../errors.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import type { Services } from '../http/services.js';
import { promotionRequestView, toPromotionView } from './promotion-views.js';
import { listQuery, moveLabelsBody, promptKey, promptPageView, promptSummaryView, resolveQuery, resolvedPromptView, savedPromptView, savePromptBody, snapshotView } from './schema.js';
import { etagOf, resolveOrThrow, savePrompt, toResolvedView, toSummaryView } from './service.js';

const tags = ['prompts (public API)'];
const keyParams = z.object({ key: promptKey });
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** Answers 304 when the client already holds this exact body. */
function conditional(req: Request, body: unknown): Reply<unknown> {
  const etag = etagOf(body);
  const held = req.get('if-none-match')?.split(',').map((tag) => tag.trim());
  if (held?.includes(etag) || held?.includes('*')) return new Reply(304, undefined, { ETag: etag });
  return new Reply(200, body, { ETag: etag, 'Cache-Control': 'private, no-cache' });
}

/**
 * `Idempotency-Key`: a retried request returns the first response instead of acting twice (a second
 * version). The same key with another body is refused.
 */
async function idempotent(services: Services, req: Request, scope: string, body: unknown, run: () => Promise<Reply<unknown>>): Promise<Reply<unknown>> {
  const key = req.get('idempotency-key');
  if (!key) return run();
  if (key.length > 200) throw new AppError(400, 'invalid_idempotency_key', 'Idempotency-Key must be at most 200 characters');
  const requestHash = createHash('sha256').update(`${req.method} ${req.path}\n${JSON.stringify(body)}`).digest('hex');
  const claim = await services.provider.idempotency.claim(scope, key, requestHash, IDEMPOTENCY_TTL_SECONDS);
  if (claim.state === 'mismatch') throw new ConflictError('This Idempotency-Key was used for a different request', 'idempotency_key_reused');
  if (claim.state === 'in_progress') throw new ConflictError('A request with this Idempotency-Key is still running; retry shortly', 'idempotency_in_progress');
  if (claim.state === 'done') return new Reply(claim.status, claim.body, { 'Idempotent-Replayed': 'true' });
  try {
    const reply = await run();
    await services.provider.idempotency.complete(scope, key, reply.status, JSON.parse(JSON.stringify(reply.body ?? null)));
    return reply;
  } catch (error) {
    await services.provider.idempotency.release(scope, key);
    throw error;
  }
}

export function promptV1Routes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/prompts/:key',
      surface: 'v1',
      auth: 'apiKey',
      summary: 'A prompt as your application runs it: by label (default production) or version; ETag / If-None-Match',
      tags,
      request: { params: keyParams, query: resolveQuery },
      responses: {
        200: { description: 'The resolved version', schema: resolvedPromptView },
        304: { description: 'Not modified: the If-None-Match ETag is current' },
        404: { description: 'No such prompt (prompt_not_found), version (version_not_found) or labelled version (label_not_found)' },
      },
      handler: async ({ params, query }, { req, res, services }) => {
        const { projectId } = apiKeyOf(res);
        const selector = query.version !== undefined ? { version: query.version } : { label: query.label ?? 'production' };
        return conditional(req, toResolvedView(await resolveOrThrow(services, projectId, params.key, selector)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/prompts',
      surface: 'v1',
      auth: 'apiKey',
      summary: "The project's prompts by key, a page at a time; filter by tag or label",
      tags,
      request: { query: listQuery },
      responses: { 200: { description: 'A page, in key order', schema: promptPageView } },
      handler: async ({ query }, { res, services }) => {
        const { projectId } = apiKeyOf(res);
        const page = await services.provider.prompts.list(projectId, { limit: query.limit + 1, after: query.cursor, tag: query.tag, label: query.label });
        const prompts = page.slice(0, query.limit);
        return { prompts: prompts.map(toSummaryView), nextCursor: page.length > query.limit ? prompts.at(-1)!.key : null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/prompts',
      surface: 'v1',
      auth: 'apiKey',
      summary: 'Create a prompt, or add a version to it (Idempotency-Key makes retries safe)',
      tags,
      request: { body: savePromptBody },
      responses: {
        201: { description: 'Created (a new prompt, or a new version)', schema: savedPromptView },
        200: { description: 'Metadata updated, no new version', schema: savedPromptView },
        409: { description: 'The Idempotency-Key was used for another request, or its first request is still running' },
      },
      bodyLimitBytes: 2 * 1024 * 1024,
      handler: async ({ body }, { req, res, services }) => {
        const { projectId, apiKeyId } = apiKeyOf(res);
        return idempotent(services, req, `prompts:${projectId}`, body, async () => {
          const saved = await savePrompt(services, requestContext(req, { type: 'api_key', apiKeyId }), projectId, body);
          const status = saved.created || saved.resolved ? 201 : 200;
          return new Reply(status, { created: saved.created, prompt: toSummaryView(saved.prompt), version: saved.resolved ? toResolvedView(saved.resolved) : null, promotionRequests: saved.promotionRequests.map(toPromotionView) });
        });
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/prompts/:key/labels',
      surface: 'v1',
      auth: 'apiKey',
      summary: 'Point labels at versions (e.g. {"labels": {"production": 3}}); moving production deploys',
      tags,
      request: { params: keyParams, body: moveLabelsBody },
      responses: {
        200: { description: 'The prompt with its labels', schema: promptSummaryView.extend({ promotionRequests: z.array(promotionRequestView) }) },
        202: { description: 'Some moves were of protected labels: they await an admin as promotion requests (the other moves were made)', schema: promptSummaryView.extend({ promotionRequests: z.array(promotionRequestView) }) },
        404: { description: 'No such prompt (prompt_not_found)' },
        409: { description: 'A label names a version the prompt does not have (version_not_found)' },
      },
      handler: async ({ params, body }, { req, res, services }) => {
        const { projectId, apiKeyId } = apiKeyOf(res);
        const moves = Object.entries(body.labels).map(([label, version]) => ({ label, version }));
        // An API key never moves a protected label: those moves become promotion requests (202).
        const outcome = await services.provider.prompts.moveLabels(requestContext(req, { type: 'api_key', apiKeyId }), projectId, params.key, moves);
        const body_ = { ...toSummaryView(outcome.prompt), promotionRequests: outcome.promotionRequests.map(toPromotionView) };
        return outcome.promotionRequests.length > 0 ? new Reply(202, body_) : body_;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/snapshot',
      surface: 'v1',
      auth: 'apiKey',
      summary: "Every labelled version of the project in one document (for SDK caches and offline snapshots); ETag",
      tags,
      responses: { 200: { description: 'The snapshot', schema: snapshotView }, 304: { description: 'Not modified: the If-None-Match ETag is current' } },
      handler: async (_input, { req, res, services }) => {
        const { projectId } = apiKeyOf(res);
        const prompts = (await services.provider.prompts.snapshot(projectId)).map(toResolvedView);
        return conditional(req, { projectId, prompts });
      },
    }),
  ];
}
