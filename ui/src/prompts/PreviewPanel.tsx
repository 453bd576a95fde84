import { useState } from 'react';
import { Panel } from '../app/Panel';
import { compileDraft, type Draft } from './template';

interface PreviewPanelProps {
  draft: Draft;
  variables: string[];
  syntaxError: string | null;
}

/** Values for the variables, and the text an application would get with them. */
export function PreviewPanel({ draft, variables, syntaxError }: PreviewPanelProps) {
  const [values, setValues] = useState<Record<string, string>>({});
  const compiled = syntaxError ? null : compileDraft(draft, values);

  return (
    <Panel title="Preview" description="Fill in the variables to see the compiled prompt. Variables left empty stay as {{name}}." testId="prompt-preview">
      {variables.length > 0 && (
        <div className="preview-variables">
          {variables.map((name) => (
            <label key={name} className="preview-variable">
              <code>{name}</code>
              <input
                className="input"
                value={values[name] ?? ''}
                onChange={(event) => setValues((current) => ({ ...current, [name]: event.target.value }))}
                data-testid={`preview-value-${name}`}
              />
            </label>
          ))}
        </div>
      )}
      {compiled === null ? (
        <p className="note note--error">Can't preview: {syntaxError}.</p>
      ) : (
        <div className="preview-output" data-testid="preview-output">
          {draft.kind === 'text' ? (
            <pre className="preview-text">{compiled[0] || ' '}</pre>
          ) : (
            draft.messages.map((message, index) => (
              <div key={index} className="preview-message">
                <span className="badge">{message.role}</span>
                <pre className="preview-text">{compiled[index] || ' '}</pre>
              </div>
            ))
          )}
        </div>
      )}
    </Panel>
  );
}
