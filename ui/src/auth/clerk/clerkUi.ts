import { createContext, useContext, type ComponentType } from 'react';

/**
 * Clerk's components, present only in Clerk mode (the Clerk bundle is loaded on demand, so local
 * installs never download it). Pages render these where local mode shows its own forms.
 */
export interface ClerkUi {
  SignIn: ComponentType<{ routing?: 'hash' | 'virtual' }>;
  OrganizationSwitcher: ComponentType<{ hidePersonal?: boolean }>;
  OrganizationProfile: ComponentType<{ routing?: 'hash' | 'virtual' }>;
  UserButton: ComponentType<{ showName?: boolean }>;
}

export const ClerkUiContext = createContext<ClerkUi | null>(null);

export function useClerkUi(): ClerkUi | null {
  return useContext(ClerkUiContext);
}
