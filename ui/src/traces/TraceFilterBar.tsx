import { useEffect, useState, type FormEvent } from 'react';
import type { TraceFilterName, TraceFilters } from './api';

const textFilters: Array<{ name: TraceFilterName; label: string; placeholder: string; type?: string }> = [
  { name: 'promptKey', label: 'Prompt', placeholder: 'support.reply' },
  { name: 'promptVersion', label: 'Version', placeholder: '3', type: 'number' },
  { name: 'model', label: 'Model', placeholder: 'gpt-4o-mini' },
  { name: 'userId', label: 'User', placeholder: 'user id' },
  { name: 'sessionId', label: 'Session', placeholder: 'session id' },
  { name: 'tags', label: 'Tags', placeholder: 'beta, vip' },
  { name: 'from', label: 'From', placeholder: '', type: 'datetime-local' },
  { name: 'to', label: 'To', placeholder: '', type: 'datetime-local' },
];

/**
 * The explorer's filters: typed into a draft and applied together (one request, one URL change);
 * status and sort apply at once.
 */
export function TraceFilterBar({ filters, onChange }: { filters: TraceFilters; onChange: (filters: TraceFilters) => void }) {
  const [draft, setDraft] = useState<TraceFilters>(filters);
  useEffect(() => setDraft(filters), [JSON.stringify(filters)]); // eslint-disable-line react-hooks/exhaustive-deps
  const set = (name: TraceFilterName, value: string) => setDraft((current) => ({ ...current, [name]: value }));

  function apply(event: FormEvent) {
    event.preventDefault();
    onChange(draft);
  }

  return (
    <form className="trace-filters" onSubmit={apply} data-testid="trace-filters">
      <label className="trace-filter trace-filter--search">
        <span>Search content</span>
        <input className="input" type="search" placeholder="Words in inputs and outputs" value={draft.search ?? ''} onChange={(event) => set('search', event.target.value)} data-testid="trace-filter-search" />
      </label>
      {textFilters.map((filter) => (
        <label key={filter.name} className="trace-filter">
          <span>{filter.label}</span>
          <input
            className="input"
            type={filter.type ?? 'text'}
            placeholder={filter.placeholder}
            value={draft[filter.name] ?? ''}
            onChange={(event) => set(filter.name, event.target.value)}
            data-testid={`trace-filter-${filter.name}`}
          />
        </label>
      ))}
      <label className="trace-filter">
        <span>Status</span>
        <select className="input" value={filters.status ?? ''} onChange={(event) => onChange({ ...draft, status: event.target.value })} data-testid="trace-filter-status">
          <option value="">Any</option>
          <option value="active">Active</option>
          <option value="completed">Completed</option>
          <option value="error">Error</option>
        </select>
      </label>
      <label className="trace-filter">
        <span>Sort</span>
        <select className="input" value={filters.sort ?? 'time'} onChange={(event) => onChange({ ...draft, sort: event.target.value === 'time' ? '' : event.target.value })} data-testid="trace-sort">
          <option value="time">Newest first</option>
          <option value="latency">Slowest first</option>
          <option value="cost">Most expensive first</option>
        </select>
      </label>
      <div className="trace-filter-actions">
        <button type="submit" className="button" data-testid="trace-filter-apply">
          Apply
        </button>
        <button type="button" className="button button--ghost" onClick={() => onChange({})}>
          Reset
        </button>
      </div>
    </form>
  );
}
