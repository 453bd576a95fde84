import { fieldOf, issuesOf } from './api';

interface FormErrorProps {
  error: Error | null;
  /** Fields the form shows next to their inputs; issues about other fields are listed here. */
  fields?: readonly string[];
}

/** A failed submit: the engine's message, unless every issue is already shown next to its field. */
export function FormError({ error, fields = [] }: FormErrorProps) {
  if (!error) return null;
  const issues = issuesOf(error);
  const unshown = issues.filter((issue) => !fields.includes(fieldOf(issue)));
  if (issues.length > 0 && unshown.length === 0) return null;
  return (
    <div className="note note--error" role="alert" data-testid="form-error">
      {issues.length > 0 ? (
        <ul className="plain-list">
          {unshown.map((issue) => (
            <li key={issue.path}>
              <code>{fieldOf(issue)}</code>: {issue.message}
            </li>
          ))}
        </ul>
      ) : (
        error.message
      )}
    </div>
  );
}
