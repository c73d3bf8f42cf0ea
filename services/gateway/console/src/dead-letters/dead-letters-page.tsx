import { useState } from 'react';
import type { ApiClient } from '../api/api-client.js';
import { usePolling } from '../ui/use-polling.js';
import { DeadLetterDetail } from './dead-letter-detail.js';
import { DeadLetterTable } from './dead-letter-table.js';
import { SERVICE_NAMES, type DeadLetterItem, type ServiceName } from '../api/admin-types.js';
import './dead-letters.css';
import { loadFirstPages, loadServicePage, type ServiceLetters } from './load-dead-letters.js';
import { deadLetterKey, mergeNewestFirst } from './merge-dead-letters.js';

type ServiceFilter = 'all' | ServiceName;

/** Pages fetched with "Load more", per service, after the polled first page. */
type MorePages = Partial<Record<ServiceName, { items: DeadLetterItem[]; nextCursor: string | null }>>;

const POLL_MS = 5_000;

const withMore = (first: ServiceLetters, more: MorePages): ServiceLetters => {
  const extra = more[first.service];
  return extra ? { ...first, items: [...first.items, ...extra.items], nextCursor: extra.nextCursor } : first;
};

export function DeadLettersPage({ api }: { api: ApiClient }) {
  const [filter, setFilter] = useState<ServiceFilter>('all');
  const [showReplayed, setShowReplayed] = useState(false);
  const [more, setMore] = useState<MorePages>({});
  const [moreLoading, setMoreLoading] = useState<ServiceName | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [selected, setSelected] = useState<DeadLetterItem | null>(null);
  const services: readonly ServiceName[] = filter === 'all' ? SERVICE_NAMES : [filter];
  const polling = usePolling(() => loadFirstPages(api, services, showReplayed), POLL_MS, [api, filter, showReplayed]);

  const perService = (polling.data ?? []).filter((letters) => services.includes(letters.service)).map((letters) => withMore(letters, more));
  const items = mergeNewestFirst(perService.map((letters) => letters.items));
  const selectedKey = selected ? deadLetterKey(selected) : null;
  // The opened letter follows the polled list (e.g. its replayedAt), and stays open when a replay takes it off the list.
  const opened = (selectedKey && items.find((item) => deadLetterKey(item) === selectedKey)) || selected;

  const changeFilters = (next: { filter?: ServiceFilter; showReplayed?: boolean }): void => {
    setMore({});
    setMoreError(null);
    if (next.filter !== undefined) setFilter(next.filter);
    if (next.showReplayed !== undefined) setShowReplayed(next.showReplayed);
  };

  const loadMore = async (letters: ServiceLetters): Promise<void> => {
    if (!letters.nextCursor) return;
    setMoreLoading(letters.service);
    setMoreError(null);
    try {
      const page = await loadServicePage(api, letters.service, showReplayed, letters.nextCursor);
      setMore((current) => ({
        ...current,
        [letters.service]: { items: [...(current[letters.service]?.items ?? []), ...page.items], nextCursor: page.nextCursor },
      }));
    } catch (cause) {
      setMoreError(`${letters.service}: ${cause instanceof Error ? cause.message : String(cause)}`);
    } finally {
      setMoreLoading(null);
    }
  };

  return (
    <div className="page dead-letters-page">
      <h1>Dead letters</h1>
      <div className="toolbar">
        <label className="field">
          <span>Service</span>
          <select value={filter} onChange={(event) => changeFilters({ filter: event.target.value as ServiceFilter })}>
            <option value="all">all</option>
            {SERVICE_NAMES.map((service) => (
              <option key={service} value={service}>
                {service}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-inline">
          <input type="checkbox" checked={showReplayed} onChange={(event) => changeFilters({ showReplayed: event.target.checked })} />
          <span>Show replayed</span>
        </label>
        <button type="button" className="button" onClick={polling.refresh}>
          Refresh
        </button>
      </div>
      {polling.error && (
        <p role="alert" className="error-text">
          Could not load dead letters: {polling.error.message}
        </p>
      )}
      {perService
        .filter((letters) => letters.error)
        .map((letters) => (
          <p key={letters.service} role="alert" className="error-text service-error">
            {letters.service}: could not load its dead letters ({letters.error})
          </p>
        ))}
      <DeadLetterTable items={items} selectedKey={selectedKey} loading={polling.data === undefined} onOpen={setSelected} />
      <div className="toolbar load-more">
        {perService
          .filter((letters) => letters.nextCursor)
          .map((letters) => (
            <button
              key={letters.service}
              type="button"
              className="button"
              disabled={moreLoading !== null}
              onClick={() => void loadMore(letters)}
            >
              Load more {letters.service}
            </button>
          ))}
      </div>
      {moreError && (
        <p role="alert" className="error-text">
          Could not load more: {moreError}
        </p>
      )}
      {opened && (
        <DeadLetterDetail
          key={deadLetterKey(opened)}
          api={api}
          item={opened}
          onClose={() => setSelected(null)}
          onReplayed={() => {
            setMore({});
            polling.refresh();
          }}
        />
      )}
    </div>
  );
}
