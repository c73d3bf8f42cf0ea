import { useState } from 'react';
import type { ApiClient } from '../api/api-client.js';
import type { RepairAction, SagaTimeline } from '../api/admin-types.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { problemText } from '../ui/problem-text.js';
import { REPAIRS, type RepairDescription } from './repair-actions.js';

interface SagaRepairsProps {
  api: ApiClient;
  timeline: SagaTimeline;
  onRepaired(timeline: SagaTimeline): void;
}

/** Only the repairs the engine allows in the saga's state are offered; the engine still has the last word (409). */
export function SagaRepairs({ api, timeline, onRepaired }: SagaRepairsProps) {
  const [open, setOpen] = useState<RepairDescription | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [result, setResult] = useState<string | undefined>();
  const { sagaId } = timeline.saga;
  const legal = REPAIRS.filter((repair) => timeline.legalRepairs.includes(repair.action));

  const repair = async (action: RepairAction, label: string, reason: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const after = await api.post<SagaTimeline>(`/api/admin/sagas/${encodeURIComponent(sagaId)}/repairs`, { action, reason });
      setResult(`${label}: done. The saga is ${after.saga.status}.`);
      setOpen(undefined);
      onRepaired(after);
    } catch (failure) {
      setError(problemText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="repairs-heading">
      <h2 id="repairs-heading">Repairs</h2>
      {legal.length === 0 ? (
        <p className="muted">No repair applies to a {timeline.saga.status} saga.</p>
      ) : (
        <div className="toolbar">
          {legal.map((repair) => (
            <button
              key={repair.action}
              type="button"
              className={`button ${repair.action === 'retry-now' ? 'button-primary' : 'button-danger'}`}
              onClick={() => {
                setError(undefined);
                setResult(undefined);
                setOpen(repair);
              }}
            >
              {repair.label}
            </button>
          ))}
        </div>
      )}
      <p role="status" className="repair-result">
        {result}
      </p>
      {error && !open && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {open && (
        <ConfirmDialog
          title={`${open.label}?`}
          description={
            <p>
              {open.explanation} Saga <span className="id">{sagaId}</span>.
            </p>
          }
          confirmLabel={open.label}
          tone={open.action === 'retry-now' ? 'primary' : 'danger'}
          requireReason
          busy={busy}
          error={error}
          onConfirm={(reason) => void repair(open.action, open.label, reason)}
          onCancel={() => {
            setOpen(undefined);
            setError(undefined);
          }}
        />
      )}
    </section>
  );
}
