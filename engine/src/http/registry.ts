import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Services } from './services.js';

/**
 * Every route is declared once, here-shaped: method, path, auth kind, permission, request and response
 * schemas, body limit. The registry mounts it, feeds the OpenAPI document, and lets the permission,
 * isolation and fuzz tests enumerate every route without hand-kept lists.
 */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * - `system`: `/healthz`, `/readyz`, `/api/config`, `/api/openapi.json` (public)
 * - `v1`: the public SDK API under `/api/v1` (API key)
 * - `dashboard`: the web UI's API under `/api/dashboard` (session cookie + CSRF, or Clerk token)
 * - `compat`: the original ForPrompt REST API (`/api/prompts`, `/api/log`, …), `{ error: "…" }` errors
 */
export type ApiSurface = 'system' | 'v1' | 'dashboard' | 'compat';
/**
 * - `apiKey`: a project API key (X-API-Key, or Authorization: Bearer)
 * - `session`: a dashboard session (cookie + CSRF, or a Clerk token), with the route's permission
 * - `apiKeyOrSession`: either — a project API key when one is presented, else a session with the route's
 *   permission in the organization named by the body's `organizationId` (else the Clerk token's, else
 *   the user's only one). The original's `POST /api/edit-prompt/stream` took both.
 */
export type AuthKind = 'public' | 'apiKey' | 'session' | 'apiKeyOrSession';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

export interface RouteContext {
  req: Request;
  res: Response;
  services: Services;
}

/** A handler returns the body to send as JSON, or a `Reply` for another status or headers; or sends itself (SSE). */
export class Reply<R> {
  constructor(
    readonly status: number,
    readonly body?: R,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** An error answer as the error handler is about to send it. */
export interface RouteErrorDescription {
  status: number;
  code: string;
  message: string;
}

export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R = unknown,
> {
  method: HttpMethod;
  path: string;
  surface: ApiSurface;
  auth: AuthKind;
  /** The permission a session's role must grant (see the permission matrix); none for public or API-key routes. */
  permission?: string;
  summary: string;
  description?: string;
  tags: string[];
  request?: { params?: P; query?: Q; body?: B };
  /**
   * Status → description and body schema: every success status (the lowest 2xx is the status of a
   * plain return), and the errors particular to this route (404, 409 …), whose body is the surface's
   * error shape unless given. Errors every route of its kind answers (400, 401, 413, 415, 429, 503) are
   * added to the OpenAPI document from the declaration (see openapi.ts).
   */
  responses: Record<number, { description: string; schema?: z.ZodType<R>; /** Other media types the status may be sent as (binary bodies, e.g. protobuf). */ alsoAs?: string[] }>;
  /** Largest accepted body; default 1 MB. */
  bodyLimitBytes?: number;
  /**
   * Hand the handler the body's exact bytes (a Buffer in `input.body`) instead of parsed JSON — for
   * signature checks over the raw payload (webhooks). The handler validates what it parses.
   */
  rawBody?: boolean;
  /**
   * The body of this route's error answers when the surface's JSON shape is not what its clients read
   * (OTLP exporters sending protobuf expect a protobuf `google.rpc.Status`); undefined keeps the JSON.
   */
  errorBody?: { mediaType: string; encode: (req: Request, error: RouteErrorDescription) => Buffer | undefined };
  /** Per-API-key limit (fixed window, shared by replicas); answers 429 with Retry-After and X-RateLimit-* headers. */
  rateLimit?: { bucket: string; limit: number; windowSeconds: number };
  handler: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>, context: RouteContext) => Promise<R | Reply<R> | void>;
}

// The generic parameters are erased once routes are collected; inference happens in defineRoute.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteDefinition = RouteDefinition<any, any, any, any>;

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R>(
  route: RouteDefinition<P, Q, B, R>,
): RouteDefinition<P, Q, B, R> {
  return route;
}

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Express `:name` paths as OpenAPI `{name}` paths. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
