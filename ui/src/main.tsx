import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router/dom';
import { ApiError } from './app/api';
import { router } from './app/router';
import { ToastProvider } from './app/Toasts';
import { authStateKey } from './auth/authState';
import './app/styles.css';
import './app/forms.css';
import './app/lists.css';
import './app/overlays.css';
import './app/sidebar.css';
import './auth/auth.css';
import './prompts/prompts.css';
import './onboarding/onboarding.css';

/**
 * A session that ended (expired, signed out elsewhere) or a stale CSRF token: ask the engine for
 * the state again, which sends the user to sign-in or brings a fresh token.
 */
function recheckSession(error: Error): void {
  if (error instanceof ApiError && (error.code === 'sign_in_required' || error.code === 'csrf_failed')) {
    void queryClient.invalidateQueries({ queryKey: authStateKey });
  }
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: recheckSession }),
  mutationCache: new MutationCache({ onError: recheckSession }),
  defaultOptions: {
    queries: {
      // A refusal (403, 404, 400) will not change on retry; a network blip may.
      retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
    },
  },
});

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html is missing the #root element');

/** Clerk mode wraps the app in Clerk, loaded only then; local accounts never download it. */
async function withAuthProvider(app: ReactNode): Promise<ReactNode> {
  const config = await fetch('/api/config')
    .then((response) => (response.ok ? (response.json() as Promise<{ authProvider?: string; clerkPublishableKey?: string | null }>) : null))
    .catch(() => null);
  if (config?.authProvider !== 'clerk' || !config.clerkPublishableKey) return app;
  const { ClerkRoot } = await import('./auth/clerk/ClerkRoot');
  return <ClerkRoot publishableKey={config.clerkPublishableKey}>{app}</ClerkRoot>;
}

const app = (
  <ToastProvider>
    <RouterProvider router={router} />
  </ToastProvider>
);

void withAuthProvider(app).then((content) =>
  createRoot(rootElement).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>{content}</QueryClientProvider>
    </StrictMode>,
  ),
);
