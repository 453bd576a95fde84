import { useState } from 'react';
import { displayNameOf, formatDateTime, formatRelative } from '../app/format';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import type { OrganizationSummary } from '../auth/authState';
import type { Member } from '../orgs/api';
import { useMembers } from '../orgs/useMembers';
import { usePermission, useWorkspace } from '../orgs/Workspace';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { auditPath, auditQuery, noFilters, useAuditApiKeys, useAuditLog, type AuditEntry, type AuditFilters } from './api';
import { AuditFiltersForm, apiKeyLabel } from './AuditFiltersForm';

/** Settings › Audit log: who changed what, filterable, exportable as CSV (admins). */
export function AuditTab() {
  const { organization } = useWorkspace();
  const { allowed } = usePermission('audit.read');
  return (
    <div className="settings-tab" data-testid="settings-audit">
      <RequireOrganization>
        {organization &&
          (allowed ? (
            <AuditLog organization={organization} />
          ) : (
            <Panel title="Audit log">
              <p className="note note--muted" data-testid="audit-restricted">
                The audit log is available to admins and owners; your role in {organization.name} is <strong>{organization.role}</strong>.
              </p>
            </Panel>
          ))}
      </RequireOrganization>
    </div>
  );
}

function AuditLog({ organization }: { organization: OrganizationSummary }) {
  const [filters, setFilters] = useState<AuditFilters>(noFilters);
  const members = useMembers(organization.id);
  const apiKeys = useAuditApiKeys(organization.id);
  const log = useAuditLog(organization.id, filters);
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  const exportQuery = auditQuery(filters);

  return (
    <Panel
      title="Audit log"
      description="Every change in this organization: who, what, when and from where. Newest first."
      actions={
        <a className="button button--ghost" href={`${auditPath(organization.id)}.csv${exportQuery ? `?${exportQuery}` : ''}`} download data-testid="audit-export">
          Export CSV
        </a>
      }
    >
      <AuditFiltersForm applied={filters} members={members.data ?? []} apiKeys={apiKeys.data ?? []} onApply={setFilters} />
      {!log.isSuccess ? (
        <QueryFallback query={log} what="the audit log" />
      ) : entries.length === 0 ? (
        <p className="muted" data-testid="audit-empty">
          Nothing recorded{exportQuery ? ' that matches these filters' : ' yet'}.
        </p>
      ) : (
        <AuditTable entries={entries} members={members.data ?? []} />
      )}
      {log.hasNextPage && (
        <div className="load-more">
          <button type="button" className="button button--ghost" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage} data-testid="audit-load-more">
            {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </Panel>
  );
}

function actorOf(entry: AuditEntry, membersById: Map<string, Member>): string {
  if (entry.actorType === 'system') return 'System';
  if (entry.actorType === 'api_key') return entry.actorApiKey ? `API key ${apiKeyLabel(entry.actorApiKey)}` : 'A deleted API key';
  const member = entry.actorUserId ? membersById.get(entry.actorUserId) : undefined;
  return member ? displayNameOf(member) : `Former member ${entry.actorUserId?.slice(0, 8) ?? ''}`;
}

function AuditTable({ entries, members }: { entries: AuditEntry[]; members: Member[] }) {
  const membersById = new Map(members.map((member) => [member.userId, member]));
  return (
    <Table columns={['When', 'Actor', 'Action', 'What changed', 'From']} testId="audit-table" dense>
      {entries.map((entry) => (
        <tr key={entry.id} data-testid="audit-row">
          <td className="nowrap" title={formatDateTime(entry.createdAt)}>
            {formatRelative(entry.createdAt)}
          </td>
          <td className="nowrap" title={entry.actorApiKey ? `Project ${entry.actorApiKey.projectName}` : undefined} data-testid="audit-actor-cell">
            {actorOf(entry, membersById)}
          </td>
          <td>
            <code>{entry.action}</code>
          </td>
          <td>
            {entry.summary}
            {entry.targetType && <div className="cell-detail">{entry.targetType.replace('_', ' ')}</div>}
          </td>
          <td className="nowrap cell-detail" title={entry.userAgent ?? undefined}>
            {entry.ip ?? '—'}
          </td>
        </tr>
      ))}
    </Table>
  );
}
