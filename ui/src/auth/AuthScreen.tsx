import type { ReactNode } from 'react';

interface AuthScreenProps {
  /** For the test id (`page-<name>`). */
  name: string;
  title: string;
  description: ReactNode;
  children: ReactNode;
  /** A line under the card, e.g. a link to the other form. */
  footer?: ReactNode;
}

/** The centred card the signed-out pages share: setup, sign-in, invitation, password reset. */
export function AuthScreen({ name, title, description, children, footer }: AuthScreenProps) {
  return (
    <main className="auth-screen" data-testid={`page-${name}`}>
      <title>{`${title} · ForPrompt`}</title>
      <div className="auth-brand">
        <span className="brand-mark" aria-hidden="true">
          F
        </span>
        <span className="brand-name">ForPrompt</span>
      </div>
      <section className="auth-card" aria-labelledby={`page-${name}-heading`}>
        <h1 id={`page-${name}-heading`} className="auth-title">
          {title}
        </h1>
        <div className="auth-description">{description}</div>
        {children}
      </section>
      {footer !== undefined && <div className="auth-footer">{footer}</div>}
    </main>
  );
}
