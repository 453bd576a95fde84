import { useState, type FormEvent } from 'react';
import { displayNameOf } from '../app/format';
import { Field } from '../app/Field';
import type { Member } from '../orgs/api';
import { noFilters, type AuditFilters } from './api';

// What the engine records in an organization's log today (engine/src/data/postgres/stores); the
// field also takes any other action.
const knownActions = [
  'api_key.created',
  'api_key.rotated',
  'api_key.revoked',
  'instance.setup',
  'invitation.created',
  'invitation.accepted',
  'invitation.revoked',
  'member.role_changed',
  'member.removed',
  'member.left',
  'member.password_reset_issued',
  'organization.created',
  'organization.renamed',
  'project.created',
  'project.updated',
  'project.deleted',
  'provider_key.created',
  'provider_key.deleted',
  'user.password_reset',
];

const targetTypes = ['api_key', 'invitation', 'organization', 'project', 'provider_key', 'user'];

interface AuditFiltersFormProps {
  applied: AuditFilters;
  members: Member[];
  onApply: (filters: AuditFilters) => void;
}

/** Filters by action, actor, target type and time range; applied on submit. */
export function AuditFiltersForm({ applied, members, onApply }: AuditFiltersFormProps) {
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
        {knownActions.map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      <Field label="Actor">
        <select className="select" value={draft.actorUserId} onChange={set('actorUserId')} data-testid="audit-actor">
          <option value="">Anyone</option>
          {members.map((member) => (
            <option key={member.userId} value={member.userId}>
              {displayNameOf(member)}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Target">
        <select className="select" value={draft.targetType} onChange={set('targetType')} data-testid="audit-target">
          <option value="">Any</option>
          {targetTypes.map((type) => (
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
