import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { SpanView, TraceDetail, TraceSort, TraceSummary } from '../../../engine/src/data/traces';
import { apiFetch } from '../app/api';

/** Dates travel as ISO strings. */
type Json<T> = { [Field in keyof T]: T[Field] extends Date ? string : T[Field] extends Date | null ? string | null : T[Field] };

export type Trace = Json<TraceSummary>;
export type Span = Json<SpanView>;
export type TraceWithSpans = Json<Omit<TraceDetail, 'spans'>> & { spans: Span[] };
export type { TraceSort };

/** The explorer's filters as the URL holds them (`?promptKey=…&status=error`); empty means any. */
export const filterNames = ['search', 'promptKey', 'promptVersion', 'model', 'status', 'userId', 'sessionId', 'tags', 'from', 'to', 'sort'] as const;
export type TraceFilterName = (typeof filterNames)[number];
export type TraceFilters = Partial<Record<TraceFilterName, string>>;

const PAGE_SIZE = 50;

export const tracesKey = (organizationId: string, projectId: string) => ['orgs', organizationId, 'projects', projectId, 'traces'] as const;
export const tracesPath = (organizationId: string, projectId: string) => `/api/dashboard/orgs/${organizationId}/projects/${projectId}/traces`;
export const tracePath = (organizationId: string, projectId: string, traceId: string) => `${tracesPath(organizationId, projectId)}/${encodeURIComponent(traceId)}`;

/** `datetime-local` values are local times; the engine wants instants. */
const toInstant = (value: string) => (Number.isNaN(Date.parse(value)) ? value : new Date(value).toISOString());

export function useTraceList(organizationId: string, projectId: string, filters: TraceFilters) {
  return useInfiniteQuery({
    queryKey: [...tracesKey(organizationId, projectId), 'list', filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      for (const name of filterNames) {
        const value = filters[name]?.trim();
        if (value) query.set(name, name === 'from' || name === 'to' ? toInstant(value) : value);
      }
      if (pageParam) query.set('cursor', pageParam);
      return apiFetch<{ traces: Trace[]; nextCursor: string | null }>(`${tracesPath(organizationId, projectId)}?${query}`);
    },
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
  });
}

export function useTrace(organizationId: string, projectId: string, traceId: string) {
  return useQuery({
    queryKey: [...tracesKey(organizationId, projectId), 'detail', traceId],
    queryFn: () => apiFetch<TraceWithSpans>(tracePath(organizationId, projectId, traceId)),
    retry: false,
  });
}

export const formatCost = (usd: number) => (usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(6)}` : `$${usd.toFixed(4)}`);
export const formatLatency = (ms: number | null) => (ms === null ? '—' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`);
export const formatTokens = (input: number, output: number) => `${(input + output).toLocaleString()} (${input.toLocaleString()} in / ${output.toLocaleString()} out)`;
