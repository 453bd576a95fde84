import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { apiFetch } from '../app/api';
import { PageShell } from '../app/PageShell';
import { Panel } from '../app/Panel';
import { QueryFallback } from '../app/Table';

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { type?: string; enum?: unknown[] };
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, { type?: string }>; required?: string[] } }> };
  responses?: Record<string, { description?: string }>;
}
interface OpenApiDocument {
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

const methodOrder = ['get', 'post', 'put', 'patch', 'delete'];

function authOf(operation: Operation): string {
  const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
  if (schemes.includes('ApiKeyHeader')) return 'API key';
  if (schemes.includes('SessionCookie')) return 'Dashboard session';
  return 'Public';
}

/**
 * The engine's API, read from its own OpenAPI document (bundled code, no assets from the internet):
 * the public SDK API, the original ForPrompt API and the dashboard's, with their parameters.
 */
export function ApiReferencePage() {
  const document = useQuery({ queryKey: ['openapi'], queryFn: ({ signal }) => apiFetch<OpenApiDocument>('/api/openapi.json', { signal }), staleTime: Infinity });
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => {
    const byTag = new Map<string, Array<{ method: string; path: string; operation: Operation }>>();
    for (const [path, methods] of Object.entries(document.data?.paths ?? {})) {
      for (const [method, operation] of Object.entries(methods)) {
        const text = `${method} ${path} ${operation.summary ?? ''}`.toLowerCase();
        if (filter && !text.includes(filter.toLowerCase())) continue;
        const tag = operation.tags?.[0] ?? 'other';
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag)!.push({ method, path, operation });
      }
    }
    for (const operations of byTag.values()) operations.sort((a, b) => a.path.localeCompare(b.path) || methodOrder.indexOf(a.method) - methodOrder.indexOf(b.method));
    return [...byTag.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [document.data, filter]);

  return (
    <PageShell name="api-reference" title="API reference" description="Every route of this engine, from its OpenAPI 3.1 document (/api/openapi.json).">
      <input className="input" type="search" placeholder="Filter by path, method or summary" value={filter} onChange={(event) => setFilter(event.target.value)} data-testid="api-filter" />
      {!document.isSuccess ? (
        <QueryFallback query={document} what="the API description" />
      ) : (
        groups.map(([tag, operations]) => (
          <Panel key={tag} title={tag}>
            <ul className="api-list">
              {operations.map(({ method, path, operation }) => {
                const body = Object.values(operation.requestBody?.content ?? {})[0]?.schema;
                return (
                  <li key={`${method} ${path}`} className="api-item" data-testid="api-operation">
                    <div className="api-line">
                      <span className={`api-method api-method--${method}`}>{method.toUpperCase()}</span>
                      <code className="api-path">{path}</code>
                      <span className="badge">{authOf(operation)}</span>
                    </div>
                    {operation.summary && <p className="api-summary">{operation.summary}</p>}
                    {(operation.parameters?.length ?? 0) > 0 && (
                      <p className="muted api-params">
                        Parameters: {operation.parameters!.map((parameter) => `${parameter.name} (${parameter.in}${parameter.required ? ', required' : ''})`).join(' · ')}
                      </p>
                    )}
                    {body?.properties && (
                      <p className="muted api-params">
                        Body: {Object.keys(body.properties).map((name) => `${name}${body.required?.includes(name) ? '*' : ''}`).join(', ')}
                      </p>
                    )}
                  </li>
                );
              })}
            </ul>
          </Panel>
        ))
      )}
    </PageShell>
  );
}
