import { NavLink, Outlet } from 'react-router';
import { UserMenu } from '../auth/UserMenu';
import { useClerkUi } from '../auth/clerk/clerkUi';
import { OrganizationSwitcher } from '../orgs/OrganizationSwitcher';
import { WorkspaceProvider } from '../orgs/Workspace';
import { ProjectSelector } from '../projects/ProjectSelector';
import { Icon } from './Icon';
import { navItems } from './navigation';
import { StatusFooter } from './StatusFooter';

export function Layout() {
  // Clerk mode: Clerk's organization switcher and account button stand in for ours.
  const clerk = useClerkUi();
  return (
    <WorkspaceProvider>
      <div className="app-shell">
        <a className="skip-link" href="#main-content">
          Skip to content
        </a>
        <aside className="sidebar">
          <NavLink to="/prompts" className="brand">
            <span className="brand-mark" aria-hidden="true">
              F
            </span>
            <span className="brand-name">ForPrompt</span>
          </NavLink>
          <div className="sidebar-context">
            {clerk ? <clerk.OrganizationSwitcher hidePersonal /> : <OrganizationSwitcher />}
            <ProjectSelector testId="sidebar-project" />
          </div>
          <nav aria-label="Main">
            <ul className="nav-list">
              {navItems.map((item) => (
                <li key={item.to}>
                  {/* NavLink sets aria-current="page" on the active link. */}
                  <NavLink to={item.to} className="nav-link">
                    <Icon name={item.icon} className="nav-icon" />
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="sidebar-footer">
            {clerk ? <clerk.UserButton showName /> : <UserMenu />}
          </div>
        </aside>
        <div className="main-column">
          <main id="main-content" className="content" tabIndex={-1}>
            <Outlet />
          </main>
          <StatusFooter />
        </div>
      </div>
    </WorkspaceProvider>
  );
}
