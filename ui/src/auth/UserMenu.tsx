import { Link } from 'react-router';
import { displayNameOf } from '../app/format';
import { Icon } from '../app/Icon';
import { Menu } from '../app/Menu';
import { useSignedIn } from './authState';
import { useSignOut } from './useSignOut';

function initialsOf(name: string): string {
  const parts = name.replace(/@.*/, '').split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

/** Who is signed in, at the bottom of the sidebar: profile and sign-out. */
export function UserMenu() {
  const { user } = useSignedIn();
  const signOut = useSignOut();
  const name = displayNameOf(user);

  return (
    <Menu
      label="Account"
      placement="above"
      testId="user-menu"
      triggerClassName="user-button"
      trigger={
        <>
          <span className="avatar" aria-hidden="true">
            {initialsOf(name)}
          </span>
          <span className="switcher-text">
            <span className="switcher-name">{name}</span>
            {name !== user.email && <span className="switcher-detail switcher-detail--plain">{user.email}</span>}
          </span>
        </>
      }
    >
      {(close) => (
        <>
          <Link role="menuitem" className="menu-item" to="/settings/profile" onClick={close}>
            <Icon name="user" className="menu-item-icon" />
            Profile
          </Link>
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            onClick={() => signOut.mutate()}
            disabled={signOut.isPending}
            data-testid="sign-out"
          >
            <Icon name="signOut" className="menu-item-icon" />
            {signOut.isPending ? 'Signing out…' : 'Sign out'}
          </button>
        </>
      )}
    </Menu>
  );
}
