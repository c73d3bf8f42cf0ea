import type { TimelineStep } from '../api/admin-types.js';
import { formatTime } from '../ui/format-time.js';

const stepBadge = (status: string): string => `badge badge-step-${status.toLowerCase()}`;

export function SagaSteps({ steps, currentStep }: { steps: readonly TimelineStep[]; currentStep: number }) {
  return (
    <section aria-labelledby="steps-heading">
      <h2 id="steps-heading">Steps</h2>
      <ol className="steps">
        {steps.map((step) => (
          <li key={step.index} className="card step" aria-current={step.index === currentStep ? 'step' : undefined}>
            <div className="step-title">
              <strong>{step.name}</strong> <span className={stepBadge(step.status)}>{step.status}</span>
            </div>
            <div className="muted">
              {step.kind} · attempts {step.attempts} · compensation attempts {step.compensationAttempts} ·{' '}
              <time dateTime={step.updatedAt}>{formatTime(step.updatedAt)}</time>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
