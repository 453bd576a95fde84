import { NavLink, Outlet } from 'react-router';
import { Icon } from './Icon';
import { navItems } from './navigation';
import { StatusFooter } from './StatusFooter';

export function Layout() {
  return (
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
      </aside>
      <div className="main-column">
        <main id="main-content" className="content" tabIndex={-1}>
          <Outlet />
        </main>
        <StatusFooter />
      </div>
    </div>
  );
}
