import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuthState } from './authState';
import { AuthScreen } from './AuthScreen';

/**
 * The gate in front of the dashboard: first run goes to /setup, a visitor to /sign-in (coming back
 * here afterwards), a signed-in user through.
 */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const state = useAuthState();
  const location = useLocation();

  if (state.isPending) {
    return (
      <div className="splash" role="status">
        <span className="brand-mark" aria-hidden="true">
          F
        </span>
        Loading…
      </div>
    );
  }
  if (state.isError) {
    return (
      <AuthScreen name="engine-unreachable" title="Engine unreachable" description="The dashboard could not reach the ForPrompt engine.">
        <p className="note note--error">{state.error.message}</p>
        <button type="button" className="button" onClick={() => void state.refetch()} disabled={state.isFetching}>
          {state.isFetching ? 'Retrying…' : 'Retry'}
        </button>
      </AuthScreen>
    );
  }
  if (state.data.setupRequired) return <Navigate to="/setup" replace />;
  if (!state.data.user) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}

/** Where to go after signing in: a path on this site from `?next=`, else home. */
export function safeNext(next: string | null): string {
  return next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
