import { Link, useLocation } from 'react-router';
import { EmptyState } from './EmptyState';
import { PageShell } from './PageShell';

export function NotFoundPage() {
  const location = useLocation();
  return (
    <PageShell name="not-found" title="Page not found" description="This address does not match any page of the dashboard.">
      <EmptyState
        icon="compass"
        title="Nothing lives here"
        nextSteps={
          <Link to="/" className="button">
            Go to the dashboard home
          </Link>
        }
      >
        <p>
          There is no page at <code>{location.pathname}</code>. The link may be mistyped, or the page may have moved.
          The sections on the left cover everything the dashboard can do.
        </p>
      </EmptyState>
    </PageShell>
  );
}
