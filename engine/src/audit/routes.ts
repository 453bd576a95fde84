import { z } from 'zod';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { boundedDate, encodeTimeIdCursor, text, timeIdCursor } from '../http/fields.js';
import type { AuditEntry, AuditQuery } from '../data/provider.js';

const tags = ['audit log'];
const orgParams = z.object({ orgId: z.uuid() });
const auditQuery = z.object({
  action: text(100).optional(),
  actorUserId: z.uuid().optional(),
  targetType: text(50).optional(),
  targetId: text(100).optional(),
  since: boundedDate.optional(),
  until: boundedDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: timeIdCursor.optional(),
});
const entryView = z.object({
  id: z.uuid(),
  projectId: z.uuid().nullable(),
  actorType: z.enum(['user', 'api_key', 'system']),
  actorUserId: z.uuid().nullable(),
  actorApiKeyId: z.uuid().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  summary: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.date(),
});

const cursorOf = (entry: AuditEntry) => encodeTimeIdCursor(entry.createdAt, entry.id);

function toQuery(query: z.infer<typeof auditQuery>, limit: number): AuditQuery {
  const { cursor, ...filters } = query;
  return { ...filters, limit, ...(cursor && { before: { createdAt: cursor.at, id: cursor.id } }) };
}

/** A CSV field: quoted, quotes doubled, and formula-leading characters neutralised for spreadsheets. */
export function csvField(value: unknown): string {
  let text = value instanceof Date ? value.toISOString() : value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

const csvColumns = ['createdAt', 'action', 'actorType', 'actorUserId', 'actorApiKeyId', 'targetType', 'targetId', 'projectId', 'summary', 'ip', 'userAgent'] as const;

export function auditRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs/:orgId/audit',
      surface: 'dashboard',
      auth: 'session',
      permission: 'audit.read',
      summary: 'The audit log, newest first, filtered by actor, action, target and time',
      tags,
      request: { params: orgParams, query: auditQuery },
      responses: { 200: { description: 'A page of entries', schema: z.object({ entries: z.array(entryView), nextCursor: z.string().nullable() }) } },
      handler: async ({ params, query }, { services }) => {
        const page = await services.provider.audit.list(params.orgId, toQuery(query, query.limit + 1));
        const entries = page.slice(0, query.limit);
        return { entries, nextCursor: page.length > query.limit ? cursorOf(entries.at(-1)!) : null };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs/:orgId/audit.csv',
      surface: 'dashboard',
      auth: 'session',
      permission: 'audit.read',
      summary: 'The filtered audit log as CSV (up to 10,000 entries)',
      tags,
      request: { params: orgParams, query: auditQuery.omit({ limit: true, cursor: true }) },
      responses: { 200: { description: 'text/csv' } },
      handler: async ({ params, query }, { res, services }) => {
        const entries = await services.provider.audit.list(params.orgId, { ...query, limit: 10_000 });
        const lines = [csvColumns.join(','), ...entries.map((entry) => csvColumns.map((column) => csvField(entry[column])).join(','))];
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`);
        res.send(`${lines.join('\r\n')}\r\n`);
        return new Reply(200);
      },
    }),
  ];
}
