import { SAGA_STATUSES, SAGA_TYPES, type SagaStatus, type SagaType } from '../api/admin-types.js';
import { AGE_CHOICES, type AgeChoice, type SagaFilters as Filters } from './saga-filters-state.js';

interface SagaFiltersProps {
  filters: Filters;
  onChange(filters: Filters): void;
}

export function SagaFilters({ filters, onChange }: SagaFiltersProps) {
  const set = <K extends keyof Filters>(name: K, value: Filters[K]) => onChange({ ...filters, [name]: value });
  return (
    <form className="toolbar filters" role="search" aria-label="Saga filters" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor="saga-search">Search</label>
        <input
          id="saga-search"
          type="search"
          placeholder="saga, order or customer id"
          spellCheck={false}
          value={filters.search}
          onChange={(event) => set('search', event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="saga-status">Status</label>
        <select id="saga-status" value={filters.status} onChange={(event) => set('status', event.target.value as SagaStatus | '')}>
          <option value="">any</option>
          {SAGA_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="saga-type">Type</label>
        <select id="saga-type" value={filters.type} onChange={(event) => set('type', event.target.value as SagaType | '')}>
          <option value="">any</option>
          {SAGA_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="saga-reason">Reason</label>
        <input
          id="saga-reason"
          placeholder="e.g. TIMEOUT"
          spellCheck={false}
          value={filters.reason}
          onChange={(event) => set('reason', event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="saga-customer">Customer id</label>
        <input
          id="saga-customer"
          spellCheck={false}
          value={filters.customerId}
          onChange={(event) => set('customerId', event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="saga-age">Age</label>
        <select id="saga-age" value={filters.age} onChange={(event) => set('age', event.target.value as AgeChoice)}>
          {AGE_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
