import { describe, expect, it } from 'vitest';
import { backoffMs, decide, type RetryPolicy, type SagaState, type StepKind, type StepStatus } from '../src/saga-state-machine.js';

const policy: RetryPolicy = { stepTimeoutMs: 1_000, retryBackoffMs: 8_000, maxForwardAttempts: 3 };

const CHECKOUT: StepKind[] = ['compensatable', 'compensatable', 'retriable'];
const CANCEL: StepKind[] = ['compensatable', 'pivot', 'retriable'];

const aSaga = (overrides: Partial<SagaState> & { statuses?: StepStatus[]; kinds?: StepKind[] } = {}): SagaState => {
  const { statuses = ['RUNNING', 'PENDING', 'PENDING'], kinds = CHECKOUT, ...rest } = overrides;
  return {
    status: 'RUNNING',
    currentStep: 0,
    stepAttempt: 1,
    reason: null,
    steps: kinds.map((kind, index) => ({ kind, status: statuses[index] ?? 'PENDING' })),
    ...rest,
  };
};

const succeeded = (stepIndex: number, direction: 'FORWARD' | 'COMPENSATION' = 'FORWARD') =>
  ({ kind: 'reply', stepIndex, direction, outcome: 'SUCCEEDED' }) as const;
const failed = (stepIndex: number, reason: string, direction: 'FORWARD' | 'COMPENSATION' = 'FORWARD') =>
  ({ kind: 'reply', stepIndex, direction, outcome: 'FAILED', reason }) as const;
const deadline = { kind: 'deadline' } as const;

describe('forward replies', () => {
  it('when a middle step succeeds, then it is DONE, its reply is folded into the data and the next step is sent', () => {
    expect(decide(aSaga(), succeeded(0), policy)).toEqual({
      kind: 'transition',
      status: 'RUNNING',
      currentStep: 1,
      stepAttempt: 1,
      reason: null,
      stepChanges: [
        { stepIndex: 0, status: 'DONE' },
        { stepIndex: 1, status: 'RUNNING' },
      ],
      foldReplyOf: 0,
      send: { stepIndex: 1, direction: 'FORWARD', attempt: 1 },
      deadlineInMs: 1_000,
      note: 'advanced',
    });
  });

  it('when the last step succeeds, then the saga is COMPLETED with no deadline and nothing to send', () => {
    const decision = decide(aSaga({ currentStep: 2, statuses: ['DONE', 'DONE', 'RUNNING'] }), succeeded(2), policy);
    expect(decision).toMatchObject({
      kind: 'transition',
      status: 'COMPLETED',
      send: null,
      deadlineInMs: null,
      foldReplyOf: 2,
      note: 'completed',
    });
    expect(decision.kind === 'transition' && decision.stepChanges).toEqual([{ stepIndex: 2, status: 'DONE' }]);
  });

  it('when the second step fails, then it is FAILED and the first step is compensated with the reason', () => {
    const decision = decide(aSaga({ currentStep: 1, statuses: ['DONE', 'RUNNING', 'PENDING'] }), failed(1, 'INSUFFICIENT_FUNDS'), policy);
    expect(decision).toMatchObject({
      kind: 'transition',
      status: 'COMPENSATING',
      currentStep: 0,
      reason: 'INSUFFICIENT_FUNDS',
      stepChanges: [{ stepIndex: 1, status: 'FAILED' }],
      send: { stepIndex: 0, direction: 'COMPENSATION', attempt: 1 },
      deadlineInMs: 1_000,
    });
  });

  it('when the first step fails, then the saga is ABORTED at once with the reason and nothing is sent', () => {
    expect(decide(aSaga(), failed(0, 'UNKNOWN_MENU_ITEM'), policy)).toMatchObject({
      status: 'ABORTED',
      reason: 'UNKNOWN_MENU_ITEM',
      stepChanges: [{ stepIndex: 0, status: 'FAILED' }],
      send: null,
      deadlineInMs: null,
      note: 'aborted',
    });
  });

  it('when a retriable step fails, then nothing changes but the deadline: it is resent after the backoff', () => {
    const state = aSaga({ currentStep: 2, stepAttempt: 2, statuses: ['DONE', 'DONE', 'RUNNING'] });
    expect(decide(state, failed(2, 'ORDER_LOCKED'), policy)).toMatchObject({
      status: 'RUNNING',
      currentStep: 2,
      stepAttempt: 2,
      reason: null,
      stepChanges: [],
      send: null,
      deadlineInMs: 2_000,
      note: 'retry-after-failure',
    });
  });

  it('when a pivot fails, then the compensatable steps before it are undone', () => {
    const state = aSaga({ kinds: CANCEL, currentStep: 1, statuses: ['DONE', 'RUNNING', 'PENDING'] });
    expect(decide(state, failed(1, 'ACCOUNT_CLOSED'), policy)).toMatchObject({
      status: 'COMPENSATING',
      currentStep: 0,
      reason: 'ACCOUNT_CLOSED',
      send: { stepIndex: 0, direction: 'COMPENSATION', attempt: 1 },
    });
  });
});

describe('compensation replies', () => {
  const compensatingStep1 = aSaga({
    kinds: ['compensatable', 'compensatable', 'compensatable', 'retriable'],
    status: 'COMPENSATING',
    currentStep: 1,
    reason: 'NO_STOCK',
    statuses: ['DONE', 'DONE', 'FAILED', 'PENDING'],
  });

  it('when a compensation succeeds, then that step is COMPENSATED and the previous DONE step is compensated next', () => {
    expect(decide(compensatingStep1, succeeded(1, 'COMPENSATION'), policy)).toMatchObject({
      status: 'COMPENSATING',
      currentStep: 0,
      reason: 'NO_STOCK',
      stepChanges: [{ stepIndex: 1, status: 'COMPENSATED' }],
      send: { stepIndex: 0, direction: 'COMPENSATION', attempt: 1 },
    });
  });

  it('when the last compensation succeeds, then the saga is ABORTED with the original reason', () => {
    const state = {
      ...compensatingStep1,
      currentStep: 0,
      steps: compensatingStep1.steps.map((s, i) => (i === 1 ? { ...s, status: 'COMPENSATED' as const } : s)),
    };
    expect(decide(state, succeeded(0, 'COMPENSATION'), policy)).toMatchObject({
      status: 'ABORTED',
      reason: 'NO_STOCK',
      stepChanges: [{ stepIndex: 0, status: 'COMPENSATED' }],
      send: null,
      deadlineInMs: null,
    });
  });

  it('when a compensation fails, then it stays in flight and is resent after the backoff', () => {
    expect(decide({ ...compensatingStep1, stepAttempt: 3 }, failed(1, 'LEDGER_BUSY', 'COMPENSATION'), policy)).toMatchObject({
      status: 'COMPENSATING',
      currentStep: 1,
      stepAttempt: 3,
      reason: 'NO_STOCK',
      send: null,
      deadlineInMs: 4_000,
      note: 'retry-after-failure',
    });
  });
});

describe('stale and duplicate replies', () => {
  it('when a reply is for an earlier step, then it is ignored as stale', () => {
    expect(decide(aSaga({ currentStep: 1 }), succeeded(0), policy)).toEqual({ kind: 'ignore', why: 'stale' });
  });

  it('when a forward reply arrives while compensating that same step, then it is ignored as stale', () => {
    const state = aSaga({ status: 'COMPENSATING', currentStep: 1, reason: 'TIMEOUT', statuses: ['DONE', 'FAILED', 'PENDING'] });
    expect(decide(state, succeeded(1), policy)).toEqual({ kind: 'ignore', why: 'stale' });
  });

  it('when a reply arrives for a finished saga, then it is ignored, whatever it says', () => {
    for (const status of ['COMPLETED', 'ABORTED'] as const) {
      expect(decide(aSaga({ status, currentStep: 2 }), failed(2, 'LATE'), policy)).toEqual({ kind: 'ignore', why: 'terminal' });
      expect(decide(aSaga({ status, currentStep: 2 }), deadline, policy)).toEqual({ kind: 'ignore', why: 'terminal' });
    }
  });
});

describe('deadlines', () => {
  it('when a compensatable step is silent and attempts remain, then the same command is resent with a longer wait', () => {
    expect(decide(aSaga({ stepAttempt: 1 }), deadline, policy)).toMatchObject({
      status: 'RUNNING',
      stepAttempt: 2,
      send: { stepIndex: 0, direction: 'FORWARD', attempt: 2 },
      deadlineInMs: 2_000,
      note: 'resent',
    });
  });

  it('when a compensatable step is silent after its last attempt, then it fails with TIMEOUT and is itself compensated first', () => {
    const state = aSaga({ currentStep: 1, stepAttempt: 3, statuses: ['DONE', 'RUNNING', 'PENDING'] });
    expect(decide(state, deadline, policy)).toMatchObject({
      status: 'COMPENSATING',
      currentStep: 1,
      stepAttempt: 1,
      reason: 'TIMEOUT',
      stepChanges: [{ stepIndex: 1, status: 'FAILED' }],
      send: { stepIndex: 1, direction: 'COMPENSATION', attempt: 1 },
      note: 'timed-out',
    });
  });

  it('when a retriable or pivot step is silent, then it is resent however many attempts were made', () => {
    const retriable = aSaga({ currentStep: 2, stepAttempt: 10, statuses: ['DONE', 'DONE', 'RUNNING'] });
    expect(decide(retriable, deadline, policy)).toMatchObject({
      status: 'RUNNING',
      send: { stepIndex: 2, attempt: 11 },
      deadlineInMs: 8_000,
    });
    const pivot = aSaga({ kinds: CANCEL, currentStep: 1, stepAttempt: 10, statuses: ['DONE', 'RUNNING', 'PENDING'] });
    expect(decide(pivot, deadline, policy)).toMatchObject({ status: 'RUNNING', send: { stepIndex: 1, attempt: 11 } });
  });

  it('when a compensation is silent, then it is resent forever with a capped backoff', () => {
    const state = aSaga({ status: 'COMPENSATING', currentStep: 0, stepAttempt: 20, reason: 'X', statuses: ['DONE', 'FAILED', 'PENDING'] });
    expect(decide(state, deadline, policy)).toMatchObject({
      status: 'COMPENSATING',
      stepAttempt: 21,
      send: { stepIndex: 0, direction: 'COMPENSATION', attempt: 21 },
      deadlineInMs: 8_000,
    });
  });

  it('when the backoff grows, then it doubles from the step timeout and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 30].map((attempt) => backoffMs(policy, attempt))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    expect(backoffMs({ ...policy, retryBackoffMs: 10 }, 3)).toBe(1_000);
  });
});
