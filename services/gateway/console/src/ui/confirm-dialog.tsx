import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';

export const REASON_MIN = 3;
export const REASON_MAX = 500;

export interface ConfirmDialogProps {
  title: string;
  description: ReactNode;
  confirmLabel: string;
  requireReason?: boolean;
  busy?: boolean;
  error?: string | undefined;
  /** `danger` for what cannot be undone (the default); `primary` otherwise. */
  tone?: 'danger' | 'primary';
  onConfirm(reason: string): void;
  onCancel(): void;
}

/**
 * A modal `<dialog>` (showModal makes the page behind it inert, so focus stays inside); Escape cancels, and focus
 * goes back to what opened it. Operators' repairs and replays go through here, with their reason when one is asked.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { title, description, confirmLabel, requireReason = false, busy = false, error, tone = 'danger', onConfirm, onCancel } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [reasonProblem, setReasonProblem] = useState<string | undefined>();
  const ids = useId();

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => {
      element?.close();
      opener?.focus();
    };
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const given = reason.trim();
    if (requireReason && (given.length < REASON_MIN || given.length > REASON_MAX)) {
      setReasonProblem(`Give a reason of ${REASON_MIN} to ${REASON_MAX} characters.`);
      return;
    }
    setReasonProblem(undefined);
    onConfirm(given);
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-description`}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id={`${ids}-title`}>{title}</h2>
        <div id={`${ids}-description`}>{description}</div>
        {requireReason && (
          <div className="field">
            <label htmlFor={`${ids}-reason`}>Reason</label>
            <textarea
              id={`${ids}-reason`}
              value={reason}
              required
              minLength={REASON_MIN}
              maxLength={REASON_MAX}
              rows={3}
              autoFocus
              aria-invalid={reasonProblem ? true : undefined}
              aria-describedby={`${ids}-reason-hint`}
              onChange={(event) => setReason(event.target.value)}
            />
            <span id={`${ids}-reason-hint`} className="muted">
              Why (kept in the saga&apos;s history): {REASON_MIN} to {REASON_MAX} characters.
            </span>
          </div>
        )}
        {reasonProblem && (
          <p role="alert" className="error-text">
            {reasonProblem}
          </p>
        )}
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <div className="toolbar dialog-actions">
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            className={`button ${tone === 'danger' ? 'button-danger' : 'button-primary'}`}
            aria-busy={busy}
            disabled={busy}
            autoFocus={!requireReason}
          >
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
