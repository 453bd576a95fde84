import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './api';

/** Shape of `GET /api/config`: what this engine is running with. */
export interface EngineConfig {
  version: string;
  authProvider: 'local' | 'clerk';
  dataProvider: 'embedded' | 'postgresql' | 'convex';
  ai: { enabled: boolean; provider: string | null };
  /** PUBLIC_URL: where applications reach the engine (may differ from this page's origin behind a proxy). */
  publicUrl: string;
}

export function useEngineConfig() {
  return useQuery({
    queryKey: ['engine-config'],
    queryFn: ({ signal }) => apiFetch<EngineConfig>('/api/config', { signal }),
    // The configuration only changes when the engine restarts.
    staleTime: 5 * 60_000,
    // Show "Engine unreachable" after one quick retry rather than spinning for seconds.
    retry: 1,
  });
}
