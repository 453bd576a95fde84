import { useEffect } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { forprompt } from '../forprompt.js';
import { useLoad } from '../hooks.js';

const REFRESH_MS = 2_000;

/** The end of the engine's log, refreshed while the page is open. */
export function LogsPage() {
  const log = useLoad(() => forprompt().getEngineLog());
  useEffect(() => {
    const timer = setInterval(log.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [log.reload]);
  return (
    <>
      <h1>Engine log</h1>
      <ErrorNotice error={log.error} />
      {log.data?.trim() ? (
        <pre className="log">{log.data}</pre>
      ) : (
        !log.loading && <EmptyState title="The engine has not written anything yet">Start ForPrompt (Status) and the engine’s output appears here.</EmptyState>
      )}
    </>
  );
}
