import { useState } from 'react';
import { ApiProblem, type ApiClient } from '../api/api-client.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import type { DeadLetterItem, ReplayResult } from '../api/admin-types.js';
import { EnvelopeEditor } from './envelope-editor.js';
import { formatTime } from './format-time.js';
import { replayDeadLetter } from './load-dead-letters.js';
import { formatEnvelope, parseEnvelope } from './parse-envelope.js';

export interface DeadLetterDetailProps {
  api: ApiClient;
  item: DeadLetterItem;
  onClose: () => void;
  onReplayed: () => void;
}

type PendingReplay = { kind: 'original' } | { kind: 'repaired'; message: Record<string, unknown> };

/** The problem's field errors when it has some (a refused envelope names what is wrong), else its detail. */
const problemLines = (cause: unknown): string[] => {
  if (!(cause instanceof ApiProblem)) return [cause instanceof Error ? cause.message : String(cause)];
  const errors = cause.problem.errors ?? [];
  const head = `${cause.problem.title}${cause.problem.code ? ` (${cause.problem.code})` : ''}: ${cause.message}`;
  return [head, ...errors.map((error) => (error.path ? `${error.path}: ${error.message}` : error.message))];
};

const describeResult = (result: ReplayResult): string =>
  [`Replay outcome: ${result.outcome}`, result.messageId && `message ${result.messageId}`, result.error].filter(Boolean).join(' — ');

export function DeadLetterDetail({ api, item, onClose, onReplayed }: DeadLetterDetailProps) {
  const [text, setText] = useState(() => formatEnvelope(item.message));
  const [invalid, setInvalid] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingReplay | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ReplayResult | null>(null);
  const [failure, setFailure] = useState<string[] | null>(null);
  const label = `Dead letter ${item.id}`;

  const askRepaired = (): void => {
    const parsed = parseEnvelope(text);
    setInvalid(parsed.ok ? null : parsed.error);
    // One alert at a time: an earlier replay's outcome is not about this text.
    setResult(null);
    setFailure(null);
    if (parsed.ok) setPending({ kind: 'repaired', message: parsed.message });
  };

  const replay = async (request: PendingReplay): Promise<void> => {
    setBusy(true);
    setResult(null);
    setFailure(null);
    try {
      setResult(await replayDeadLetter(api, item, request.kind === 'repaired' ? request.message : undefined));
      onReplayed();
    } catch (cause) {
      setFailure(problemLines(cause));
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  return (
    <section className="card dead-letter-detail" aria-label={label}>
      <div className="dead-letter-detail-head">
        <h2>{label}</h2>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
      <dl className="facts">
        <Fact name="Service" value={item.service} />
        <Fact name="Transport" value={item.transport} />
        <Fact name="Queue" value={item.queue} />
        <Fact name="Type" value={item.messageType ?? '—'} />
        <Fact name="Message id" value={item.messageId ?? '—'} />
        <Fact name="Attempts" value={String(item.attempts)} />
        <Fact name="Dead at" value={formatTime(item.deadAt)} />
        <Fact name="Replayed at" value={formatTime(item.replayedAt)} />
      </dl>
      <h3>Error</h3>
      <p className="dead-letter-error">{item.error}</p>
      <h3>Original message</h3>
      <pre className="json">{formatEnvelope(item.message)}</pre>
      <EnvelopeEditor
        value={text}
        invalid={invalid}
        onChange={(value) => {
          setText(value);
          setInvalid(null);
        }}
      />
      <div className="toolbar">
        <button type="button" className="button button-primary" disabled={busy} onClick={() => setPending({ kind: 'original' })}>
          Replay original
        </button>
        <button type="button" className="button" disabled={busy} onClick={askRepaired}>
          Replay repaired
        </button>
      </div>
      <p role="status" className="replay-result">
        {result ? describeResult(result) : ''}
      </p>
      {failure && (
        <div role="alert" className="error-text">
          <p>{failure[0]}</p>
          {failure.length > 1 && (
            <ul>
              {failure.slice(1).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {pending && (
        <ConfirmDialog
          title={pending.kind === 'original' ? 'Replay the original message?' : 'Replay the repaired envelope?'}
          description={
            pending.kind === 'original'
              ? `The ${item.transport} dead letter ${item.id} of ${item.service} is delivered again, unchanged.`
              : `The edited envelope is validated by ${item.service} and delivered in place of dead letter ${item.id}.`
          }
          confirmLabel="Replay"
          requireReason={false}
          busy={busy}
          error={undefined}
          onConfirm={() => void replay(pending)}
          onCancel={() => setPending(null)}
        />
      )}
    </section>
  );
}

function Fact({ name, value }: { name: string; value: string }) {
  return (
    <div>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}
