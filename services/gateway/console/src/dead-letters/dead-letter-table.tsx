import { deadLetterKey } from './merge-dead-letters.js';
import type { DeadLetterItem } from '../api/admin-types.js';
import { formatTime } from './format-time.js';

export interface DeadLetterTableProps {
  items: DeadLetterItem[];
  selectedKey: string | null;
  loading: boolean;
  onOpen: (item: DeadLetterItem) => void;
}

export function DeadLetterTable({ items, selectedKey, loading, onOpen }: DeadLetterTableProps) {
  return (
    <div className="table-scroll">
      <table className="data-table dead-letter-table">
        <caption>Dead letters</caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Transport</th>
            <th scope="col">Type</th>
            <th scope="col">Error</th>
            <th scope="col">Attempts</th>
            <th scope="col">Dead at</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                {loading ? 'Loading dead letters…' : 'No dead letters.'}
              </td>
            </tr>
          )}
          {items.map((item) => (
            <DeadLetterRow key={deadLetterKey(item)} item={item} selected={deadLetterKey(item) === selectedKey} onOpen={onOpen} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DeadLetterRow({ item, selected, onOpen }: { item: DeadLetterItem; selected: boolean; onOpen: (item: DeadLetterItem) => void }) {
  return (
    <tr className={selected ? 'is-selected' : undefined}>
      <td>{item.service}</td>
      <td>
        <span className="badge">{item.transport}</span>
      </td>
      <td>{item.messageType ?? <span className="muted">unknown</span>}</td>
      <td className="dead-letter-error-cell" title={item.error}>
        {item.error}
      </td>
      <td className="numeric">{item.attempts}</td>
      <td>
        {formatTime(item.deadAt)}
        {item.replayedAt && <span className="muted dead-letter-replayed">replayed {formatTime(item.replayedAt)}</span>}
      </td>
      <td>
        <button type="button" className="button" aria-label={`Open dead letter ${item.id}`} onClick={() => onOpen(item)}>
          Open
        </button>
      </td>
    </tr>
  );
}
