import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';

export interface ConfirmDialogProps {
  title: string;
  description: string;
  confirmLabel: string;
  requireReason?: boolean;
  busy?: boolean;
  error?: string | undefined;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}

const FOCUSABLE = 'button:not([disabled]), textarea:not([disabled]), input:not([disabled]), select:not([disabled]), [href]';
const REASON_MIN = 3;
const REASON_MAX = 500;

/** A modal confirmation: focus stays inside while it is open and goes back to where it was when it closes. */
export function ConfirmDialog({ title, description, confirmLabel, requireReason, busy, error, onConfirm, onCancel }: ConfirmDialogProps) {
  const [reason, setReason] = useState('');
  const dialogRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const reasonLength = reason.trim().length;
  const reasonOk = !requireReason || (reasonLength >= REASON_MIN && reasonLength <= REASON_MAX);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialogRef.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    return () => opener?.focus();
  }, []);

  const trapFocus = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
      return;
    }
    if (event.key !== 'Tab' || !dialogRef.current) return;
    const focusable = [...dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  };

  return (
    <div className="dialog-backdrop">
      <div
        ref={dialogRef}
        className="dialog card"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
        onKeyDown={trapFocus}
      >
        <h2 id={titleId}>{title}</h2>
        <p id={descriptionId}>{description}</p>
        {requireReason && (
          <label className="field">
            <span>Reason</span>
            <textarea value={reason} maxLength={REASON_MAX} rows={3} onChange={(event) => setReason(event.target.value)} />
          </label>
        )}
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <div className="toolbar">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="button button-primary" disabled={busy || !reasonOk} onClick={() => onConfirm(reason.trim())}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
