import { useSearchParams } from 'react-router';
import { EmptyState } from '../app/EmptyState';
import { PRODUCTION, STAGING, type PromptFilters, type PromptSummary } from './api';

/** The list's filters, kept in the address (`?tag=…&label=…`) so a filtered list can be shared or reloaded. */
export function usePromptFilters(): [PromptFilters, (filters: PromptFilters) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = { tag: searchParams.get('tag') ?? '', label: searchParams.get('label') ?? '' };
  const setFilters = (next: PromptFilters) => setSearchParams(Object.fromEntries(Object.entries(next).filter(([, value]) => value !== '')), { replace: true });
  return [filters, setFilters];
}

interface PromptFilterBarProps {
  /** The unfiltered list: the tags and labels to offer come from it. */
  prompts: PromptSummary[];
  filters: PromptFilters;
  onChange: (filters: PromptFilters) => void;
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort((a, b) => a.localeCompare(b));

/** A label select (production, staging and every label in use) and one chip per tag in use. */
export function PromptFilterBar({ prompts, filters, onChange }: PromptFilterBarProps) {
  const tags = sorted([...prompts.flatMap((prompt) => prompt.tags), ...(filters.tag ? [filters.tag] : [])]);
  // `latest` is on every prompt with a version, so it filters nothing worth asking for.
  const seenLabels = prompts.flatMap((prompt) => Object.keys(prompt.labels)).filter((label) => label !== 'latest' && label !== PRODUCTION && label !== STAGING);
  const labels = [PRODUCTION, STAGING, ...sorted([...seenLabels, ...(filters.label && filters.label !== PRODUCTION && filters.label !== STAGING ? [filters.label] : [])])];
  const filtered = filters.tag !== '' || filters.label !== '';

  return (
    <div className="prompt-filters" data-testid="prompt-filters">
      <label className="prompt-filter">
        <span className="prompt-filter-label">Label</span>
        <select className="select select--compact" value={filters.label} onChange={(event) => onChange({ ...filters, label: event.target.value })} data-testid="label-filter">
          <option value="">Any</option>
          {labels.map((label) => (
            <option key={label} value={label}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {tags.length > 0 && (
        <div className="prompt-filter" role="group" aria-label="Tag">
          <span className="prompt-filter-label" aria-hidden="true">
            Tag
          </span>
          {tags.map((tag) => (
            <button
              key={tag}
              type="button"
              className={tag === filters.tag ? 'tag tag--filter tag--selected' : 'tag tag--filter'}
              aria-pressed={tag === filters.tag}
              onClick={() => onChange({ ...filters, tag: tag === filters.tag ? '' : tag })}
              data-testid="tag-filter"
            >
              {tag}
            </button>
          ))}
        </div>
      )}
      {filtered && (
        <button type="button" className="button button--ghost button--small prompt-filters-clear" onClick={() => onChange({ tag: '', label: '' })} data-testid="clear-filters">
          Clear filters
        </button>
      )}
    </div>
  );
}

/** "No prompts tagged “billing” with the label “staging”", and the way back to all of them. */
export function NoFilterMatch({ filters, onClear }: { filters: PromptFilters; onClear: () => void }) {
  const parts = [filters.tag && `tagged “${filters.tag}”`, filters.label && `with the label “${filters.label}”`].filter(Boolean);
  return (
    <div data-testid="prompts-filter-empty">
      <EmptyState
        icon="prompts"
        title={`No prompts ${parts.join(' ')}`}
        nextSteps={
          <button type="button" className="button button--ghost" onClick={onClear} data-testid="clear-filters-empty">
            Clear {parts.length > 1 ? 'filters' : 'filter'}
          </button>
        }
      >
        <p>
          {filters.tag && 'Tags are set in a prompt’s Details tab. '}
          {filters.label && 'Labels point at versions: set them from a prompt’s version list. '}
          Pick another above, or clear {parts.length > 1 ? 'the filters' : 'the filter'} to see every prompt.
        </p>
      </EmptyState>
    </div>
  );
}
