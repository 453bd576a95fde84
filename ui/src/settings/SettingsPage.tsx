import { NavLink, Outlet } from 'react-router';
import { PageShell } from '../app/PageShell';

const tabs = [
  { to: '/settings', label: 'General', end: true },
  { to: '/settings/projects', label: 'Projects' },
  { to: '/settings/api-keys', label: 'API keys' },
  { to: '/settings/members', label: 'Members' },
  { to: '/settings/provider-keys', label: 'Provider keys' },
  { to: '/settings/ai', label: 'AI' },
  { to: '/settings/ai-instructions', label: 'AI instructions' },
  { to: '/settings/audit', label: 'Audit log' },
  { to: '/settings/usage', label: 'Usage' },
  { to: '/settings/profile', label: 'Profile' },
] as const;

export function SettingsPage() {
  return (
    <PageShell name="settings" title="Settings" description="Keys, people and the engine this dashboard is connected to.">
      <nav aria-label="Settings sections" className="tabs">
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={'end' in tab} className="tab">
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </PageShell>
  );
}
