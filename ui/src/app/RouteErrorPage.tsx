import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

/** Shown instead of a blank screen when a page throws while rendering. */
export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';

  return (
    <main className="route-error" data-testid="page-error">
      <title>Something went wrong · ForPrompt</title>
      <h1>Something went wrong</h1>
      <p>The dashboard hit an error while showing this page. Reloading usually helps.</p>
      <pre className="route-error-message">{message}</pre>
      <p>
        <a className="button" href={window.location.pathname}>
          Reload this page
        </a>{' '}
        <Link className="button button--ghost" to="/">
          Go home
        </Link>
      </p>
    </main>
  );
}
