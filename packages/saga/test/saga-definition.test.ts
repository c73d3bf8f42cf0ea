import { MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { defineSaga, InvalidSagaDefinitionError, type SagaStepInput } from '../src/index.js';
import { testCheckoutSaga } from './support/test-sagas.js';

type Data = { orderId: string; customerId: string };

const approve = (overrides: Partial<SagaStepInput<Data>> = {}): SagaStepInput<Data> => ({
  name: 'approve',
  kind: 'retriable',
  participant: 'order',
  command: { type: MessageTypes.ApproveOrder, payload: (data) => ({ orderId: data.orderId }) },
  ...overrides,
});

const debit = (overrides: Partial<SagaStepInput<Data>> = {}): SagaStepInput<Data> => ({
  name: 'debit',
  kind: 'compensatable',
  participant: 'account',
  command: { type: MessageTypes.DebitAccount, payload: (data) => ({ ...data, amount: 1 }) },
  compensation: { participant: 'account', command: { type: MessageTypes.RefundAccount, payload: (data) => data } },
  ...overrides,
});

const problemsOf = (steps: SagaStepInput<Data>[], participantsReplyTo = 'orchestrator'): string[] => {
  try {
    defineSaga<Data>({ type: 'broken', participantsReplyTo, steps });
  } catch (error) {
    if (error instanceof InvalidSagaDefinitionError) return error.problems;
    throw error;
  }
  return [];
};

describe('saga definitions are checked when they are created', () => {
  it('when a definition is valid, then its steps carry their reply types from the contracts', () => {
    expect(testCheckoutSaga.steps.map((step) => [step.name, step.command.replyType, step.compensation?.replyType])).toEqual([
      ['createOrder', MessageTypes.CreatePendingOrderReply, MessageTypes.RejectOrderReply],
      ['debitAccount', MessageTypes.DebitAccountReply, MessageTypes.RefundAccountReply],
      ['approveOrder', MessageTypes.ApproveOrderReply, undefined],
    ]);
  });

  it('when a definition asks for one active saga per key, then the frozen definition keeps it; by default it does not', () => {
    const keyed = defineSaga<Data>({ type: 'keyed', participantsReplyTo: 'orchestrator', steps: [approve()], oneActivePerKey: true });
    expect(keyed.oneActivePerKey).toBe(true);
    expect(Object.isFrozen(keyed)).toBe(true);
    expect(testCheckoutSaga.oneActivePerKey).toBe(false);
  });

  it('when a compensatable step has no compensation, then the definition is refused', () => {
    expect(problemsOf([debit({ compensation: undefined })])).toEqual(["step 'debit' is compensatable but has no compensation"]);
  });

  it('when a step follows a pivot or a retriable step without being retriable, then the definition is refused', () => {
    expect(problemsOf([debit({ kind: 'pivot', compensation: undefined }), debit({ name: 'again' })])).toEqual([
      "step 'again' follows 'debit', which cannot be undone, so it must be retriable",
    ]);
    expect(problemsOf([approve(), debit()])).toEqual(["step 'debit' follows 'approve', which cannot be undone, so it must be retriable"]);
  });

  it('when two steps share a name, then the definition is refused', () => {
    expect(problemsOf([debit(), debit()])).toEqual(["step name 'debit' is used twice"]);
  });

  it('when a command is not in the contracts or belongs to another participant, then the definition is refused', () => {
    // @ts-expect-error a type outside the catalog does not compile; the check stands for untyped callers
    expect(problemsOf([approve({ command: { type: 'order.Teleport.v1', payload: () => ({}) } })])).toEqual([
      "step 'approve': 'order.Teleport.v1' is not a command in the contracts",
    ]);
    // @ts-expect-error a reply is not a command
    expect(problemsOf([approve({ command: { type: MessageTypes.ApproveOrderReply, payload: () => ({}) } })])).toEqual([
      `step 'approve': '${MessageTypes.ApproveOrderReply}' is not a command in the contracts`,
    ]);
    expect(problemsOf([approve({ participant: 'account' })])).toEqual([
      `step 'approve': '${MessageTypes.ApproveOrder}' is handled by 'order', not by participant 'account'`,
    ]);
  });

  it('when a retriable step names a compensation, or the saga has no steps or no valid reply address, then it is refused', () => {
    expect(problemsOf([approve({ compensation: debit().compensation })])).toEqual([
      "step 'approve' is retriable and cannot have a compensation",
    ]);
    expect(problemsOf([])).toEqual(['a saga needs at least one step']);
    expect(problemsOf([approve()], 'Not A Service')).toEqual(["participantsReplyTo 'Not A Service' is not a service name"]);
  });
});
