import { useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch, setCsrfToken } from '../app/api';

export type Role = 'owner' | 'admin' | 'member' | 'viewer';

export interface OrganizationSummary {
  id: string;
  name: string;
  slug: string;
  role: Role;
}

export interface SignedInUser {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
}

/** `GET /api/dashboard/auth/state`: the first thing the dashboard asks. */
export interface AuthState {
  authProvider: 'local' | 'clerk';
  setupRequired: boolean;
  user: SignedInUser | null;
  organizations: OrganizationSummary[];
  /** Clerk: the organization active in the session (Clerk's switcher changes it). */
  activeOrganizationId: string | null;
  csrfToken: string | null;
}

export const authStateKey = ['auth-state'] as const;

export async function fetchAuthState(signal?: AbortSignal): Promise<AuthState> {
  const state = await apiFetch<AuthState>('/api/dashboard/auth/state', { signal });
  setCsrfToken(state.csrfToken);
  return state;
}

export function useAuthState() {
  return useQuery({
    queryKey: authStateKey,
    queryFn: ({ signal }) => fetchAuthState(signal),
    // Changes only through this dashboard's own actions, which update or invalidate it.
    staleTime: 5 * 60_000,
    retry: 1,
  });
}

/** The state of a signed-in page (inside RequireSignIn, where it is loaded and has a user). */
export function useSignedIn(): AuthState & { user: SignedInUser } {
  const { data } = useAuthState();
  if (!data?.user) throw new Error('useSignedIn is used outside a signed-in page');
  return data as AuthState & { user: SignedInUser };
}

/** After sign-in, setup or sign-out: the state the engine answered with becomes the dashboard's. */
export function useApplyAuthState() {
  const queryClient = useQueryClient();
  return (state: AuthState) => {
    setCsrfToken(state.csrfToken);
    // Whatever was cached belonged to the previous user.
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== authStateKey[0] && query.queryKey[0] !== 'engine-config' });
    queryClient.setQueryData(authStateKey, state);
  };
}
