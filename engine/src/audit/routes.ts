import { z } from 'zod';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { boundedDate, encodeTimeIdCursor, text, timeIdCursor } from '../http/fields.js';
import type { AuditEntry, AuditQuery } from '../data/provider.js';
import { auditTargetTypes } from './catalog.js';
import { listAuditEntries, organizationApiKeys, type AuditEntryView } from './service.js';

const tags = ['audit log'];
const orgParams = z.object({ orgId: z.uuid() });
const auditQuery = z.object({
  /** An action (audit/catalog.ts), or `<family>.*` for every action of a family. */
  action: text(100).optional(),
  actorUserId: z.uuid().optional(),
  actorApiKeyId: z.uuid().optional(),
  targetType: z.enum(auditTargetTypes).optional(),
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
  /** The key that acted, while it exists (a project's deletion takes its keys). */
  actorApiKey: z.object({ name: z.string(), keyPrefix: z.string(), projectId: z.uuid(), projectName: z.string() }).nullable(),
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

const csvColumns = ['createdAt', 'action', 'actorType', 'actorUserId', 'actorApiKeyId', 'actorApiKey', 'targetType', 'targetId', 'projectId', 'summary', 'ip', 'userAgent'] as const;

function csvValue(entry: AuditEntryView, column: (typeof csvColumns)[number]): unknown {
  if (column !== 'actorApiKey') return entry[column];
  return entry.actorApiKey && `${entry.actorApiKey.name} (${entry.actorApiKey.keyPrefix}…)`;
}

const apiKeyView = z.object({ id: z.uuid(), name: z.string(), keyPrefix: z.string(), projectId: z.uuid(), projectName: z.string(), revokedAt: z.date().nullable() });

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
        const page = await listAuditEntries(services, params.orgId, toQuery(query, query.limit + 1));
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
        const entries = await listAuditEntries(services, params.orgId, { ...query, limit: 10_000 });
        const lines = [csvColumns.join(','), ...entries.map((entry) => csvColumns.map((column) => csvField(csvValue(entry, column))).join(','))];
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`);
        res.send(`${lines.join('\r\n')}\r\n`);
        return new Reply(200);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/dashboard/orgs/:orgId/audit/api-keys',
      surface: 'dashboard',
      auth: 'session',
      permission: 'audit.read',
      summary: "The organization's API keys, revoked ones too: the actors the audit log can be filtered by besides members",
      tags,
      request: { params: orgParams },
      responses: { 200: { description: 'The keys of every project', schema: z.object({ apiKeys: z.array(apiKeyView) }) } },
      handler: async ({ params }, { services }) => ({ apiKeys: await organizationApiKeys(services, params.orgId) }),
    }),
  ];
}
