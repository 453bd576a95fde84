import { useMutation } from '@tanstack/react-query';
import { apiSend } from '../app/api';

/**
 * Ends this session, then loads the sign-in page (or, with null, this page) afresh: a full page
 * load leaves nothing of the previous user's data or CSRF token in memory.
 */
export function useSignOut(redirectTo: string | null = '/sign-in') {
  return useMutation({
    mutationFn: () => apiSend('POST', '/api/dashboard/auth/sign-out'),
    onSuccess: () => {
      if (redirectTo === null) window.location.reload();
      else window.location.assign(redirectTo);
    },
  });
}
