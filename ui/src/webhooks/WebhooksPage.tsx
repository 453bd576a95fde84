import { Link } from 'react-router';
import { EmptyState } from '../app/EmptyState';
import { PageShell } from '../app/PageShell';

export function WebhooksPage() {
  return (
    <PageShell
      name="webhooks"
      title="Webhooks"
      description="Tell your other systems the moment a prompt changes."
    >
      <EmptyState
        icon="webhooks"
        title="Outgoing webhooks"
        notAvailableYet
        nextSteps={
          <p className="muted">
            This engine version does not serve a webhooks API yet, so endpoints can't be registered. The routes it
            does serve are listed in its <Link to="/reference">API reference</Link>.
          </p>
        }
      >
        <p>
          Webhook subscriptions will appear here: endpoints notified when a prompt changes or a version goes live,
          every delivery signed so the receiver can verify it, and a delivery log showing what was sent and how each
          endpoint answered.
        </p>
      </EmptyState>
    </PageShell>
  );
}
