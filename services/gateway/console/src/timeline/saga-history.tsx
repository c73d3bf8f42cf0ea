import type { HistoryEntry } from '../api/admin-types.js';
import { formatTime } from '../ui/format-time.js';

const stepOf = (entry: HistoryEntry): string | undefined =>
  entry.stepName
    ? `${entry.stepIndex !== null ? `${entry.stepIndex + 1}. ` : ''}${entry.stepName}${entry.direction === 'COMPENSATION' ? ' (compensation)' : ''}`
    : undefined;

function HistoryItem({ entry }: { entry: HistoryEntry }) {
  const step = stepOf(entry);
  const statusChange = entry.statusBefore !== entry.statusAfter ? `${entry.statusBefore} → ${entry.statusAfter}` : undefined;
  return (
    <li className="history-item">
      <time dateTime={entry.at}>{formatTime(entry.at)}</time> <strong>{entry.event}</strong>
      {step && <> · {step}</>}
      {entry.outcome && <> · {entry.outcome}</>}
      {entry.event !== 'repair' && entry.reason && <> · {entry.reason}</>}
      {entry.note && <> · {entry.note}</>}
      {statusChange && <> · {statusChange}</>}
      {entry.event === 'repair' && (
        <div className="muted">
          by {entry.actor ?? 'unknown'}: {entry.reason ?? ''}
        </div>
      )}
    </li>
  );
}

export function SagaHistory({ history }: { history: readonly HistoryEntry[] }) {
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {history.length === 0 ? (
        <p className="muted">Nothing recorded yet.</p>
      ) : (
        <ol className="history">
          {history.map((entry) => (
            <HistoryItem key={entry.id} entry={entry} />
          ))}
        </ol>
      )}
    </section>
  );
}
