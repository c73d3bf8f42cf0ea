/**
 * The life of one saga instance as a pure function: given where the saga stands and what just happened (a reply,
 * a passed deadline or an operator's repair), decide what it becomes and which command to send. No I/O, no clock,
 * no randomness: the engine loads the state, asks here, and writes the answer in one transaction.
 */

import { FORCED_COMPENSATION_REASON, legalRepairs, type RepairAction } from './saga-repairs.js';
import { TIMEOUT_REASON, type Direction, type SagaStatus, type StepKind, type StepStatus } from './saga-vocabulary.js';

// Re-exported: the package's users and its other files import the vocabulary from the state machine.
export * from './saga-vocabulary.js';

export interface SagaState {
  status: SagaStatus;
  /** RUNNING: the forward step in flight. COMPENSATING: the step whose compensation is in flight. */
  currentStep: number;
  /** How many times the command in flight has been sent (1 after the first send). */
  stepAttempt: number;
  reason: string | null;
  steps: readonly { kind: StepKind; status: StepStatus }[];
}

export type SagaEvent =
  | { kind: 'reply'; stepIndex: number; direction: Direction; outcome: 'SUCCEEDED' }
  | { kind: 'reply'; stepIndex: number; direction: Direction; outcome: 'FAILED'; reason: string }
  | { kind: 'deadline' }
  | { kind: 'repair'; action: RepairAction };

export interface RetryPolicy {
  /** How long to wait for the reply to a first send. */
  stepTimeoutMs: number;
  /** The longest wait between two sends, however many attempts were made. */
  retryBackoffMs: number;
  /** Sends of a compensatable step before it counts as timed out. Other steps cannot be undone, so they never are. */
  maxForwardAttempts: number;
}

export interface CommandToSend {
  stepIndex: number;
  direction: Direction;
  /** 1 for a first send; more for a resend, which carries a new message id. */
  attempt: number;
}

export type Decision =
  | { kind: 'ignore'; why: 'terminal' | 'stale' | 'illegal-repair' }
  | {
      kind: 'transition';
      status: SagaStatus;
      currentStep: number;
      stepAttempt: number;
      reason: string | null;
      stepChanges: { stepIndex: number; status: StepStatus }[];
      /** The forward step whose success reply must be folded into the data (`onSuccess`). */
      foldReplyOf: number | null;
      send: CommandToSend | null;
      /** When to look at the saga again if nothing arrives, in ms from now; null once terminal. */
      deadlineInMs: number | null;
      /** Why this transition happened, for logs and the saga's history: a failed reply to resend, a timeout, a repair, ... */
      note:
        | 'advanced'
        | 'completed'
        | 'compensating'
        | 'aborted'
        | 'retry-after-failure'
        | 'resent'
        | 'timed-out'
        | 'retried-by-operator'
        | 'forced-compensation'
        | 'marked-compensated';
    };

export type Transition = Extract<Decision, { kind: 'transition' }>;

export const isTerminal = (status: SagaStatus): boolean => status === 'COMPLETED' || status === 'ABORTED';

/** The wait after the n-th send: the step timeout, doubling per attempt, capped. */
export const backoffMs = (policy: RetryPolicy, attempt: number): number =>
  Math.min(policy.stepTimeoutMs * 2 ** Math.max(0, attempt - 1), Math.max(policy.stepTimeoutMs, policy.retryBackoffMs));

/** The direction of the command a saga is waiting for in a given status. */
export const expectedDirection = (status: SagaStatus): Direction | null =>
  status === 'RUNNING' ? 'FORWARD' : status === 'COMPENSATING' ? 'COMPENSATION' : null;

/** The nearest compensatable step at or below `from` that did its work (DONE), or `also` which may have. */
const nextToCompensate = (state: SagaState, from: number, also?: number): number | null => {
  for (let index = from; index >= 0; index -= 1) {
    const step = state.steps[index];
    if (step?.kind === 'compensatable' && (step.status === 'DONE' || index === also)) return index;
  }
  return null;
};

/** Start undoing from `from` downwards, or abort at once when nothing needs undoing. */
const compensateOrAbort = (
  state: SagaState,
  policy: RetryPolicy,
  reason: string,
  stepChanges: Transition['stepChanges'],
  from: number,
  alsoUndo?: number,
): Transition => {
  const target = nextToCompensate(state, from, alsoUndo);
  if (target === null) {
    return { ...base(state), status: 'ABORTED', reason, stepChanges, stepAttempt: 0, deadlineInMs: null, note: 'aborted' };
  }
  return {
    ...base(state),
    status: 'COMPENSATING',
    currentStep: target,
    reason,
    stepChanges,
    stepAttempt: 1,
    send: { stepIndex: target, direction: 'COMPENSATION', attempt: 1 },
    deadlineInMs: backoffMs(policy, 1),
    note: 'compensating',
  };
};

const base = (state: SagaState): Transition => ({
  kind: 'transition',
  status: state.status,
  currentStep: state.currentStep,
  stepAttempt: state.stepAttempt,
  reason: state.reason,
  stepChanges: [],
  foldReplyOf: null,
  send: null,
  deadlineInMs: null,
  note: 'advanced',
});

/** Nothing new is sent now: the sweeper resends the same command once the backoff has passed. */
const retryAfterFailure = (state: SagaState, policy: RetryPolicy): Transition => ({
  ...base(state),
  deadlineInMs: backoffMs(policy, state.stepAttempt),
  note: 'retry-after-failure',
});

const resend = (state: SagaState, policy: RetryPolicy, direction: Direction): Transition => {
  const attempt = state.stepAttempt + 1;
  return {
    ...base(state),
    stepAttempt: attempt,
    send: { stepIndex: state.currentStep, direction, attempt },
    deadlineInMs: backoffMs(policy, attempt),
    note: 'resent',
  };
};

const onForwardSuccess = (state: SagaState, policy: RetryPolicy): Transition => {
  const done = state.currentStep;
  const next = done + 1;
  const stepChanges: Transition['stepChanges'] = [{ stepIndex: done, status: 'DONE' }];
  if (next >= state.steps.length) {
    return { ...base(state), status: 'COMPLETED', stepChanges, foldReplyOf: done, stepAttempt: 0, deadlineInMs: null, note: 'completed' };
  }
  stepChanges.push({ stepIndex: next, status: 'RUNNING' });
  return {
    ...base(state),
    currentStep: next,
    stepAttempt: 1,
    stepChanges,
    foldReplyOf: done,
    send: { stepIndex: next, direction: 'FORWARD', attempt: 1 },
    deadlineInMs: backoffMs(policy, 1),
    note: 'advanced',
  };
};

const onForwardFailure = (state: SagaState, policy: RetryPolicy, reason: string): Transition => {
  const failed = state.currentStep;
  // After the point of no return a failure is transient by definition: keep going forward.
  if (state.steps[failed]?.kind === 'retriable') return retryAfterFailure(state, policy);
  // The failing step did nothing (the participant said so), so only the steps before it are undone.
  return compensateOrAbort(state, policy, reason, [{ stepIndex: failed, status: 'FAILED' }], failed - 1);
};

const onCompensationSuccess = (state: SagaState, policy: RetryPolicy): Transition => {
  const undone = state.currentStep;
  return compensateOrAbort(state, policy, state.reason ?? TIMEOUT_REASON, [{ stepIndex: undone, status: 'COMPENSATED' }], undone - 1);
};

/** The running step FAILED and undone along with the DONE steps before it: after its last timeout, or by an operator. */
const giveUp = (state: SagaState, policy: RetryPolicy, reason: string): Transition => {
  const step = state.currentStep;
  // The step never answered but may still have run, so it is undone too (participants' tombstones make that safe).
  return compensateOrAbort(state, policy, reason, [{ stepIndex: step, status: 'FAILED' }], step, step);
};

const onDeadline = (state: SagaState, policy: RetryPolicy): Transition => {
  if (state.status === 'COMPENSATING') return resend(state, policy, 'COMPENSATION');
  const step = state.currentStep;
  const mayGiveUp = state.steps[step]?.kind === 'compensatable';
  if (!mayGiveUp || state.stepAttempt < policy.maxForwardAttempts) return resend(state, policy, 'FORWARD');
  return { ...giveUp(state, policy, TIMEOUT_REASON), note: 'timed-out' };
};

/** An operator's repair: refused unless legalRepairs() allows it in this state (a finished saga allows none). */
const onRepair = (state: SagaState, policy: RetryPolicy, action: RepairAction): Decision => {
  if (!legalRepairs(state).includes(action)) return { kind: 'ignore', why: 'illegal-repair' };
  switch (action) {
    case 'retry-now':
      return { ...resend(state, policy, expectedDirection(state.status) ?? 'FORWARD'), note: 'retried-by-operator' };
    case 'force-compensation':
      return { ...giveUp(state, policy, FORCED_COMPENSATION_REASON), note: 'forced-compensation' };
    case 'mark-compensated':
      return { ...onCompensationSuccess(state, policy), note: 'marked-compensated' };
  }
};

/** Decides what a reply, a passed deadline or an operator's repair does to a saga. */
export const decide = (state: SagaState, event: SagaEvent, policy: RetryPolicy): Decision => {
  if (event.kind === 'repair') return onRepair(state, policy, event.action);
  if (isTerminal(state.status)) return { kind: 'ignore', why: 'terminal' };
  if (event.kind === 'deadline') return onDeadline(state, policy);
  // A reply only counts for the command the saga is waiting for; anything else is late or a duplicate.
  if (event.stepIndex !== state.currentStep || event.direction !== expectedDirection(state.status)) return { kind: 'ignore', why: 'stale' };
  if (event.direction === 'FORWARD') {
    return event.outcome === 'SUCCEEDED' ? onForwardSuccess(state, policy) : onForwardFailure(state, policy, event.reason);
  }
  // Compensations are retried until they succeed: there is no way back from undoing.
  return event.outcome === 'SUCCEEDED' ? onCompensationSuccess(state, policy) : retryAfterFailure(state, policy);
};
