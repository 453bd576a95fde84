import type { IconName } from './Icon';

export interface NavItem {
  to: string;
  label: string;
  icon: IconName;
}

/** The sidebar's sections, one per engine feature. */
export const navItems: readonly NavItem[] = [
  { to: '/prompts', label: 'Prompts', icon: 'prompts' },
  { to: '/promotion-requests', label: 'Promotions', icon: 'check' },
  { to: '/traces', label: 'Traces', icon: 'traces' },
  { to: '/analytics', label: 'Analytics', icon: 'analytics' },
  { to: '/tools', label: 'Tools', icon: 'tools' },
  { to: '/webhooks', label: 'Webhooks', icon: 'webhooks' },
  { to: '/settings', label: 'Settings', icon: 'settings' },
];
