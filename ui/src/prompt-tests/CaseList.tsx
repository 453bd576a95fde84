import { useState } from 'react';
import { apiSend } from '../app/api';
import { FormError } from '../app/FormError';
import { PermissionButton } from '../orgs/PermissionButton';
import { useSuiteAction, type CaseResult, type SuiteDetail, type TestCase } from './api';

interface CaseListProps {
  organizationId: string;
  projectId: string;
  promptKey: string;
  suiteId: string;
  cases: TestCase[];
  latestRun: SuiteDetail['latestRun'];
}

type CaseDraft = { input: string; variables: string; criteria: string };

const draftOf = (testCase?: TestCase): CaseDraft => ({
  input: testCase?.input ?? '',
  variables: Object.entries(testCase?.variables ?? {}).map(([name, value]) => `${name}=${value}`).join('\n'),
  criteria: (testCase?.criteria ?? []).join('\n'),
});

/** A draft as the engine takes it: variables as `name=value` lines, one criterion per line. */
function fieldsOf(draft: CaseDraft) {
  const variables = Object.fromEntries(
    draft.variables
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=') < 0 ? line.length : line.indexOf('=')).trim(), line.includes('=') ? line.slice(line.indexOf('=') + 1).trim() : '']),
  );
  return { input: draft.input, variables, criteria: draft.criteria.split('\n').map((line) => line.trim()).filter(Boolean) };
}

/** The suite's cases: each editable in place, deletable, and a form to add one. */
export function CaseList({ organizationId, projectId, promptKey, suiteId, cases, latestRun }: CaseListProps) {
  const results = new Map((latestRun?.results ?? []).map((result) => [result.caseId, result]));
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<CaseDraft>(draftOf());
  const save = useSuiteAction(organizationId, projectId, promptKey, (base, target: string) =>
    target === 'new' ? apiSend('POST', `${base}/${suiteId}/cases`, fieldsOf(draft)) : apiSend('PATCH', `${base}/${suiteId}/cases/${target}`, fieldsOf(draft)),
  );
  const remove = useSuiteAction(organizationId, projectId, promptKey, (base, caseId: string) => apiSend('DELETE', `${base}/${suiteId}/cases/${caseId}`));
  const open = (target: string, testCase?: TestCase) => {
    setEditing(target);
    setDraft(draftOf(testCase));
    save.reset();
  };
  const editor = (target: string) => (
    <form
      className="case-editor"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(target, { onSuccess: () => setEditing(null) });
      }}
    >
      <label className="field">
        <span className="field-label">Input (the user’s message)</span>
        <textarea className="input textarea" rows={2} value={draft.input} onChange={(event) => setDraft({ ...draft, input: event.target.value })} data-testid="case-input" />
      </label>
      <label className="field">
        <span className="field-label">Variables (name=value, one a line)</span>
        <textarea className="input textarea input--mono" rows={2} value={draft.variables} onChange={(event) => setDraft({ ...draft, variables: event.target.value })} data-testid="case-variables" />
      </label>
      <label className="field">
        <span className="field-label">Criteria the answer must meet (one a line)</span>
        <textarea className="input textarea" rows={3} value={draft.criteria} onChange={(event) => setDraft({ ...draft, criteria: event.target.value })} data-testid="case-criteria" />
      </label>
      <FormError error={save.error} />
      <div className="tests-actions">
        <button type="submit" className="button" disabled={save.isPending} data-testid="case-save">
          Save case
        </button>
        <button type="button" className="button button--ghost" onClick={() => setEditing(null)}>
          Cancel
        </button>
      </div>
    </form>
  );

  return (
    <div className="case-list">
      <ol data-testid="case-list">
        {cases.map((testCase) => (
          <li key={testCase.id} className="case-item" data-testid="case-item">
            {editing === testCase.id ? (
              editor(testCase.id)
            ) : (
              <>
                <p className="case-input">{testCase.input}</p>
                {Object.keys(testCase.variables).length > 0 && (
                  <p className="muted">
                    {Object.entries(testCase.variables).map(([name, value]) => (
                      <code key={name} className="case-variable">
                        {name}={value}
                      </code>
                    ))}
                  </p>
                )}
                <ul className="case-criteria">
                  {testCase.criteria.map((criterion, index) => (
                    <li key={index}>{criterion}</li>
                  ))}
                </ul>
                {latestRun && results.has(testCase.id) && <LatestResult version={latestRun.version} result={results.get(testCase.id)!} />}
                <div className="tests-actions">
                  <PermissionButton permission="prompt.write" className="button button--ghost button--small" onClick={() => open(testCase.id, testCase)} data-testid="case-edit">
                    Edit
                  </PermissionButton>
                  <PermissionButton permission="prompt.write" className="button button--ghost button--small" disabled={remove.isPending} onClick={() => remove.mutate(testCase.id)} data-testid="case-delete">
                    Delete
                  </PermissionButton>
                </div>
              </>
            )}
          </li>
        ))}
      </ol>
      <FormError error={remove.error} />
      {editing === 'new' ? (
        editor('new')
      ) : (
        <PermissionButton permission="prompt.write" className="button button--ghost" onClick={() => open('new')} data-testid="case-add">
          Add case
        </PermissionButton>
      )}
    </div>
  );
}

/** What the case did in the newest finished run: passed, the criteria it failed and why, or why it was not judged. */
function LatestResult({ version, result }: { version: number; result: CaseResult }) {
  const failing = result.verdicts.filter((verdict) => !verdict.passed);
  return (
    <div className="case-result" data-testid="case-result" data-status={result.status}>
      <span className={`case-status case-status--${result.status}`}>
        {result.status === 'passed' ? 'Passed' : result.status === 'failed' ? 'Failed' : 'Errored — not judged'}
      </span>{' '}
      <span className="muted">in the latest run (v{version}{result.latencyMs !== null ? `, ${result.latencyMs} ms` : ''})</span>
      {result.status === 'errored' && result.error && <p className="case-result-reason">{result.error}</p>}
      {failing.length > 0 && (
        <ul className="case-result-reason">
          {failing.map((verdict, index) => (
            <li key={index}>
              <strong>{verdict.criterion}</strong>: {verdict.reason}
            </li>
          ))}
        </ul>
      )}
      {result.response !== null && (
        <details className="case-result-answer">
          <summary>Answer</summary>
          <p>{result.response}</p>
        </details>
      )}
    </div>
  );
}
