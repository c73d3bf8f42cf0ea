import { useState } from 'react';
import type { ApiClient } from '../api/api-client.js';
import type { AdminSaga, Page, SagaCounts as Counts } from '../api/admin-types.js';
import { problemText } from '../ui/problem-text.js';
import { useDebounced } from '../ui/use-debounced.js';
import { usePolling } from '../ui/use-polling.js';
import { SagaCounts } from './saga-counts.js';
import { SagaFilters } from './saga-filters.js';
import { countsQueryOf, NO_FILTERS, unusableFilters, type SagaFilters as Filters } from './saga-filters-state.js';
import { SagasTable } from './sagas-table.js';

const POLL_MS = 2000;
const PAGE_SIZE = 20;

/** Kept while the admin opens a timeline and comes back (the page itself is remounted). */
let lastFilters: Filters | undefined;

export function SagasPage({ api }: { api: ApiClient }) {
  const [filters, setFilters] = useState<Filters>(() => lastFilters ?? NO_FILTERS);
  const [cursor, setCursor] = useState<string | undefined>();
  const settled = useDebounced(filters, 300);
  const query = countsQueryOf(settled);
  const queryKey = JSON.stringify(query);

  const changeFilters = (next: Filters) => {
    lastFilters = next;
    setFilters(next);
    setCursor(undefined);
  };

  const sagas = usePolling(
    () => api.get<Page<AdminSaga>>('/api/admin/sagas', { ...query, status: settled.status || undefined, limit: PAGE_SIZE, cursor }),
    POLL_MS,
    [api, queryKey, settled.status, cursor],
  );
  const counts = usePolling(() => api.get<Counts>('/api/admin/sagas/counts', { ...query }), POLL_MS, [api, queryKey]);
  const hints = unusableFilters(filters);

  return (
    <>
      <div className="page-heading">
        <h1>Sagas</h1>
        <span className="muted live" aria-hidden="true">
          live, every {POLL_MS / 1000} s
        </span>
      </div>
      <SagaCounts counts={counts.data} selected={filters.status} onSelect={(status) => changeFilters({ ...filters, status })} />
      {counts.error && !counts.data && <p className="muted">Counts unavailable: {problemText(counts.error)}</p>}
      <SagaFilters filters={filters} onChange={changeFilters} />
      {hints.map((hint) => (
        <p key={hint} className="muted">
          {hint}
        </p>
      ))}
      {sagas.error && (
        <p role="alert" className="error-text">
          {problemText(sagas.error)}
        </p>
      )}
      {sagas.data ? <SagasTable sagas={sagas.data.items} /> : !sagas.error && <p className="muted">Loading…</p>}
      <div className="toolbar pager">
        <button type="button" className="button" disabled={cursor === undefined} onClick={() => setCursor(undefined)}>
          First page
        </button>
        <button
          type="button"
          className="button"
          disabled={!sagas.data?.nextCursor}
          onClick={() => setCursor(sagas.data?.nextCursor ?? undefined)}
        >
          Next page
        </button>
      </div>
    </>
  );
}
