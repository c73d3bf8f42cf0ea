import type { SagaCounts as Counts, SagaStatus } from '../api/admin-types.js';

interface SagaCountsProps {
  counts: Counts | undefined;
  selected: SagaStatus | '';
  onSelect(status: SagaStatus | ''): void;
}

/** One button per status with its count under the other filters; pressing one filters by it, again clears it. */
export function SagaCounts({ counts, selected, onSelect }: SagaCountsProps) {
  if (!counts) return null;
  return (
    <div className="toolbar counts" aria-label="Sagas by status" role="group">
      {counts.counts.map(({ status, count, atLeast }) => (
        <button
          key={status}
          type="button"
          className={`button count-button badge-${status.toLowerCase()}`}
          aria-pressed={selected === status}
          title={atLeast ? `at least ${count}` : undefined}
          onClick={() => onSelect(selected === status ? '' : status)}
        >
          {status} {count}
          {atLeast ? '+' : ''}
        </button>
      ))}
    </div>
  );
}
