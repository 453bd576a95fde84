import { useState, type FormEvent } from 'react';
import { displayNameOf } from '../app/format';
import { Field } from '../app/Field';
import type { Member } from '../orgs/api';
import { auditActionFamilies, auditActions, auditTargetTypes, familyFilter } from '../../../engine/src/audit/catalog';
import { apiKeyActor, noFilters, userActor, type AuditApiKey, type AuditFilters } from './api';

// What the engine records, from its own catalog: every family (`prompt.*`) and every action. The field
// also takes any other text.
const actionSuggestions = [...auditActionFamilies.map((family) => ({ value: familyFilter(family), label: `Any ${family.replace('_', ' ')} action` })), ...auditActions.map((action) => ({ value: action, label: undefined }))];

interface AuditFiltersFormProps {
  applied: AuditFilters;
  members: Member[];
  apiKeys: AuditApiKey[];
  onApply: (filters: AuditFilters) => void;
}

export const apiKeyLabel = (key: Pick<AuditApiKey, 'name' | 'keyPrefix'>) => `${key.name} (${key.keyPrefix}…)`;

/** Filters by action (or family), actor (member or API key), target type and time range; applied on submit. */
export function AuditFiltersForm({ applied, members, apiKeys, onApply }: AuditFiltersFormProps) {
  const [draft, setDraft] = useState(applied);
  const set = (field: keyof AuditFilters) => (event: { target: { value: string } }) => setDraft({ ...draft, [field]: event.target.value });

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply(draft);
  }

  return (
    <form className="filters" onSubmit={submit} noValidate data-testid="audit-filters">
      <Field label="Action">
        <input className="input" list="audit-actions" placeholder="Any" value={draft.action} onChange={set('action')} data-testid="audit-action" />
      </Field>
      <datalist id="audit-actions">
        {actionSuggestions.map(({ value, label }) => (
          <option key={value} value={value} label={label} />
        ))}
      </datalist>
      <Field label="Actor">
        <select className="select" value={draft.actor} onChange={set('actor')} data-testid="audit-actor">
          <option value="">Anyone</option>
          <optgroup label="Members">
            {members.map((member) => (
              <option key={member.userId} value={userActor(member.userId)}>
                {displayNameOf(member)}
              </option>
            ))}
          </optgroup>
          {apiKeys.length > 0 && (
            <optgroup label="API keys">
              {apiKeys.map((key) => (
                <option key={key.id} value={apiKeyActor(key.id)}>
                  {apiKeyLabel(key)} · {key.projectName}
                  {key.revokedAt ? ' (revoked)' : ''}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </Field>
      <Field label="Target">
        <select className="select" value={draft.targetType} onChange={set('targetType')} data-testid="audit-target">
          <option value="">Any</option>
          {auditTargetTypes.map((type) => (
            <option key={type} value={type}>
              {type.replace('_', ' ')}
            </option>
          ))}
        </select>
      </Field>
      <Field label="From">
        <input className="input" type="datetime-local" value={draft.since} onChange={set('since')} />
      </Field>
      <Field label="Until">
        <input className="input" type="datetime-local" value={draft.until} onChange={set('until')} />
      </Field>
      <div className="filters-actions">
        <button type="submit" className="button" data-testid="audit-apply">
          Apply
        </button>
        <button
          type="button"
          className="button button--ghost"
          onClick={() => {
            setDraft(noFilters);
            onApply(noFilters);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
