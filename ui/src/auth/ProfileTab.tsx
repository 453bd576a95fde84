import { displayNameOf } from '../app/format';
import { Panel } from '../app/Panel';
import { useSignedIn } from './authState';
import { ChangePasswordForm } from './ChangePasswordForm';
import { SessionsPanel } from './SessionsPanel';

/** Settings › Profile: who you are, your password and where you are signed in. */
export function ProfileTab() {
  const { user } = useSignedIn();
  return (
    <div className="settings-tab" data-testid="settings-profile">
      <Panel title="Your account">
        <dl className="settings-list">
          <dt>Name</dt>
          <dd>{displayNameOf(user)}</dd>
          <dt>Email</dt>
          <dd data-testid="profile-email">{user.email}</dd>
        </dl>
      </Panel>
      <Panel title="Password" description="Changing it signs out your other sessions.">
        <ChangePasswordForm />
      </Panel>
      <SessionsPanel />
    </div>
  );
}
