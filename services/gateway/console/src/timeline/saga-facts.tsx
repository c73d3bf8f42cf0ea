import type { SagaTimeline } from '../api/admin-types.js';
import { formatTime } from '../ui/format-time.js';

export function SagaFacts({ timeline }: { timeline: SagaTimeline }) {
  const { saga, steps, traceId, traceUrl } = timeline;
  const current = steps.find((step) => step.index === saga.currentStep);
  return (
    <dl className="card facts">
      <dt>Type</dt>
      <dd>{saga.type}</dd>
      <dt>Order id</dt>
      <dd className="id">{saga.orderId}</dd>
      <dt>Customer id</dt>
      <dd className="id">{saga.customerId}</dd>
      <dt>Current step</dt>
      <dd>{current ? `${current.index + 1}. ${current.name}` : saga.currentStep}</dd>
      <dt>Attempt</dt>
      <dd>{saga.stepAttempt}</dd>
      <dt>Deadline</dt>
      <dd>{saga.deadlineAt ? <time dateTime={saga.deadlineAt}>{formatTime(saga.deadlineAt)}</time> : 'none'}</dd>
      {saga.reason && (
        <>
          <dt>Reason</dt>
          <dd>{saga.reason}</dd>
        </>
      )}
      <dt>Created</dt>
      <dd>
        <time dateTime={saga.createdAt}>{formatTime(saga.createdAt)}</time>
      </dd>
      <dt>Finished</dt>
      <dd>{saga.finishedAt ? <time dateTime={saga.finishedAt}>{formatTime(saga.finishedAt)}</time> : 'not yet'}</dd>
      <dt>Trace id</dt>
      <dd className="id">
        {traceId && traceUrl ? (
          <a href={traceUrl} target="_blank" rel="noreferrer">
            {traceId}
          </a>
        ) : (
          (traceId ?? 'none')
        )}
      </dd>
    </dl>
  );
}
