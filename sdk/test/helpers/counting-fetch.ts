import type { FetchFunction } from '../../src/config.js';

export interface Observed {
  method: string;
  url: string;
  status: number | 'error';
  ifNoneMatch: string | null;
}

/** A `fetch` for the client's `fetch` option that records every request it makes (the real network underneath). */
export function countingFetch(): { fetch: FetchFunction; calls: Observed[] } {
  const calls: Observed[] = [];
  const fetchFunction: FetchFunction = async (input, init) => {
    const headers = new Headers(init.headers);
    const entry: Observed = { method: init.method ?? 'GET', url: input, status: 'error', ifNoneMatch: headers.get('if-none-match') };
    calls.push(entry);
    const response = await globalThis.fetch(input, init);
    entry.status = response.status;
    return response;
  };
  return { fetch: fetchFunction, calls };
}
