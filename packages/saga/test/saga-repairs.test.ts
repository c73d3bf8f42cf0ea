import { describe, expect, it } from 'vitest';
import { FORCED_COMPENSATION_REASON, legalRepairs, REPAIR_ACTIONS, type RepairAction } from '../src/saga-repairs.js';
import {
  decide,
  SAGA_STATUSES,
  type RetryPolicy,
  type SagaState,
  type SagaStatus,
  type StepKind,
  type StepStatus,
} from '../src/saga-state-machine.js';

const policy: RetryPolicy = { stepTimeoutMs: 1_000, retryBackoffMs: 8_000, maxForwardAttempts: 3 };

const CHECKOUT: StepKind[] = ['compensatable', 'compensatable', 'retriable'];

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

const repair = (action: RepairAction) => ({ kind: 'repair', action }) as const;

/** One saga per status, on a compensatable step, so each refusal below comes from the status alone. */
const IN_STATUS: Record<SagaStatus, SagaState> = {
  RUNNING: aSaga({ currentStep: 1, stepAttempt: 2, statuses: ['DONE', 'RUNNING', 'PENDING'] }),
  COMPENSATING: aSaga({ status: 'COMPENSATING', currentStep: 1, reason: 'TIMEOUT', statuses: ['DONE', 'FAILED', 'PENDING'] }),
  COMPLETED: aSaga({ status: 'COMPLETED', currentStep: 2, stepAttempt: 0, statuses: ['DONE', 'DONE', 'DONE'] }),
  ABORTED: aSaga({ status: 'ABORTED', currentStep: 0, stepAttempt: 0, reason: 'X', statuses: ['COMPENSATED', 'FAILED', 'PENDING'] }),
};

const LEGAL: Record<SagaStatus, RepairAction[]> = {
  RUNNING: ['retry-now', 'force-compensation'],
  COMPENSATING: ['retry-now', 'mark-compensated'],
  COMPLETED: [],
  ABORTED: [],
};

describe('which repairs decide() accepts', () => {
  for (const status of SAGA_STATUSES) {
    for (const action of REPAIR_ACTIONS) {
      const legal = LEGAL[status].includes(action);
      it(`when ${action} is asked of a ${status} saga, then it is ${legal ? 'a transition' : 'refused as an illegal repair'}`, () => {
        const decision = decide(IN_STATUS[status], repair(action), policy);
        expect(decision.kind).toBe(legal ? 'transition' : 'ignore');
        if (!legal) expect(decision).toEqual({ kind: 'ignore', why: 'illegal-repair' });
        expect(legalRepairs(IN_STATUS[status]).includes(action)).toBe(legal);
      });
    }
  }

  it('when force-compensation is asked of a saga running a retriable or pivot step, then it is refused', () => {
    const retriable = aSaga({ currentStep: 2, statuses: ['DONE', 'DONE', 'RUNNING'] });
    const pivot = aSaga({ kinds: ['compensatable', 'pivot', 'retriable'], currentStep: 1, statuses: ['DONE', 'RUNNING', 'PENDING'] });
    for (const state of [retriable, pivot]) {
      expect(decide(state, repair('force-compensation'), policy)).toEqual({ kind: 'ignore', why: 'illegal-repair' });
      expect(decide(state, repair('retry-now'), policy)).toMatchObject({ kind: 'transition' });
    }
  });
});

describe('retry-now', () => {
  it('when a running step is retried now, then the same command is sent again with the next attempt and a new backoff', () => {
    expect(decide(IN_STATUS.RUNNING, repair('retry-now'), policy)).toEqual({
      kind: 'transition',
      status: 'RUNNING',
      currentStep: 1,
      stepAttempt: 3,
      reason: null,
      stepChanges: [],
      foldReplyOf: null,
      send: { stepIndex: 1, direction: 'FORWARD', attempt: 3 },
      deadlineInMs: 4_000,
      note: 'retried-by-operator',
    });
  });

  it('when a compensation is retried now, then the compensation is sent again, even past the forward attempt limit', () => {
    const state = { ...IN_STATUS.COMPENSATING, stepAttempt: 7 };
    expect(decide(state, repair('retry-now'), policy)).toMatchObject({
      status: 'COMPENSATING',
      currentStep: 1,
      stepAttempt: 8,
      reason: 'TIMEOUT',
      send: { stepIndex: 1, direction: 'COMPENSATION', attempt: 8 },
      deadlineInMs: 8_000,
      note: 'retried-by-operator',
    });
  });
});

describe('force-compensation', () => {
  it('when a running compensatable step is given up, then it is FAILED and compensated itself first, with COMPENSATION_FORCED', () => {
    expect(decide(IN_STATUS.RUNNING, repair('force-compensation'), policy)).toEqual({
      kind: 'transition',
      status: 'COMPENSATING',
      currentStep: 1,
      stepAttempt: 1,
      reason: FORCED_COMPENSATION_REASON,
      stepChanges: [{ stepIndex: 1, status: 'FAILED' }],
      foldReplyOf: null,
      send: { stepIndex: 1, direction: 'COMPENSATION', attempt: 1 },
      deadlineInMs: 1_000,
      note: 'forced-compensation',
    });
  });

  it('when the first step is given up, then it alone is compensated', () => {
    expect(decide(aSaga({ stepAttempt: 1 }), repair('force-compensation'), policy)).toMatchObject({
      status: 'COMPENSATING',
      currentStep: 0,
      reason: 'COMPENSATION_FORCED',
      send: { stepIndex: 0, direction: 'COMPENSATION', attempt: 1 },
    });
  });
});

describe('mark-compensated', () => {
  it('when the step in flight is marked compensated, then the previous DONE step is compensated next, keeping the reason', () => {
    expect(decide(IN_STATUS.COMPENSATING, repair('mark-compensated'), policy)).toEqual({
      kind: 'transition',
      status: 'COMPENSATING',
      currentStep: 0,
      stepAttempt: 1,
      reason: 'TIMEOUT',
      stepChanges: [{ stepIndex: 1, status: 'COMPENSATED' }],
      foldReplyOf: null,
      send: { stepIndex: 0, direction: 'COMPENSATION', attempt: 1 },
      deadlineInMs: 1_000,
      note: 'marked-compensated',
    });
  });

  it('when the last step to undo is marked compensated, then the saga is ABORTED with its reason and nothing is sent', () => {
    const state = aSaga({
      status: 'COMPENSATING',
      currentStep: 0,
      stepAttempt: 5,
      reason: 'INSUFFICIENT_FUNDS',
      statuses: ['DONE', 'FAILED', 'PENDING'],
    });
    expect(decide(state, repair('mark-compensated'), policy)).toMatchObject({
      status: 'ABORTED',
      reason: 'INSUFFICIENT_FUNDS',
      stepChanges: [{ stepIndex: 0, status: 'COMPENSATED' }],
      send: null,
      deadlineInMs: null,
      note: 'marked-compensated',
    });
  });
});
