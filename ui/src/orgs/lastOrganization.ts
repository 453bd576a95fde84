// The organization the dashboard opens in, remembered per browser.
const storageKey = 'forprompt.organization';

export function lastOrganizationId(): string | null {
  try {
    return window.localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export function rememberOrganization(organizationId: string): void {
  try {
    window.localStorage.setItem(storageKey, organizationId);
  } catch {
    // Storage disabled: the switcher still works for this visit.
  }
}
