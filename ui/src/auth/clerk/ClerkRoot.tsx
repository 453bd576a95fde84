import { ClerkProvider, OrganizationProfile, OrganizationSwitcher, SignIn, useAuth, UserButton } from '@clerk/clerk-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { setAuthTokenProvider } from '../../app/api';
import { authStateKey } from '../authState';
import { ClerkUiContext, type ClerkUi } from './clerkUi';

const components: ClerkUi = { SignIn, OrganizationSwitcher, OrganizationProfile, UserButton };
const LOAD_TIMEOUT_MS = 15_000;

/** Hands the session token to the API client, and reloads the engine's view when the session or organization changes. */
function ClerkBridge({ children }: { children: ReactNode }) {
  const { isLoaded, isSignedIn, orgId, getToken } = useAuth();
  const queryClient = useQueryClient();
  const [timedOut, setTimedOut] = useState(false);

  useEffect(() => {
    setAuthTokenProvider(() => getToken());
    return () => setAuthTokenProvider(null);
  }, [getToken]);

  useEffect(() => {
    if (isLoaded) void queryClient.invalidateQueries({ queryKey: authStateKey });
  }, [isLoaded, isSignedIn, orgId, queryClient]);

  useEffect(() => {
    if (isLoaded) return;
    const timer = setTimeout(() => setTimedOut(true), LOAD_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [isLoaded]);

  if (!isLoaded) {
    return (
      <div className="splash" role="status" data-testid="clerk-loading">
        {timedOut
          ? "Clerk's sign-in could not be loaded. This engine uses Clerk accounts, which need this browser to reach Clerk's servers."
          : 'Loading sign-in…'}
      </div>
    );
  }
  return <ClerkUiContext.Provider value={components}>{children}</ClerkUiContext.Provider>;
}

/** The dashboard inside Clerk (AUTH_PROVIDER=clerk), with the publishable key the engine published. */
export function ClerkRoot({ publishableKey, children }: { publishableKey: string; children: ReactNode }) {
  return (
    <ClerkProvider publishableKey={publishableKey} afterSignOutUrl="/">
      <ClerkBridge>{children}</ClerkBridge>
    </ClerkProvider>
  );
}
