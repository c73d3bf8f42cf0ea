import { MessageTypes } from '@ordering/contracts';
import { createLogger, type SqlExecutor } from '@ordering/platform';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  defineSaga,
  filledByEarlierStep,
  participantCommandHandler,
  participantCommandHandlers,
  replyKeyPicker,
  type ReplyKeyOf,
  type SagaStepInput,
  type SucceededReplyOf,
} from '../src/index.js';

type Data = { orderId: string; customerId: string; total?: number };

const participant = {
  service: 'account' as const,
  logger: createLogger({ service: 'saga-test', level: 'silent' }),
  replyKey: 'orderId' as const,
};

describe('saga steps and participant handlers are typed by their contracts', () => {
  it('when a step names its command, then its payload is checked against the contract and onSuccess reads the typed reply', () => {
    const step: SagaStepInput<Data> = {
      name: 'createOrder',
      kind: 'compensatable',
      participant: 'order',
      command: {
        type: MessageTypes.CreatePendingOrder,
        payload: (data) => ({ orderId: data.orderId, customerId: data.customerId, items: [{ menuItemId: data.orderId, quantity: 1 }] }),
        onSuccess: (data, reply) => {
          expectTypeOf(reply).toEqualTypeOf<SucceededReplyOf<typeof MessageTypes.CreatePendingOrder>>();
          expectTypeOf(reply.total).toBeNumber();
          expectTypeOf(reply.outcome).toEqualTypeOf<'SUCCEEDED'>();
          // @ts-expect-error a field its reply schema does not have
          expectTypeOf(reply.balanceAfter);
          return { ...data, total: reply.total };
        },
      },
      compensation: {
        participant: 'order',
        command: { type: MessageTypes.RejectOrder, payload: (data, { reason }) => ({ orderId: data.orderId, reason }) },
      },
    };
    expect(defineSaga<Data>({ type: 'typed', participantsReplyTo: 'orchestrator', steps: [step] }).steps).toHaveLength(1);
  });

  it('when a payload or a compensation payload breaks its contract, then it does not compile', () => {
    // @ts-expect-error amount must be a number, not possibly undefined
    const wrongField: SagaStepInput<Data>['command'] = {
      type: MessageTypes.DebitAccount,
      payload: (data) => ({ customerId: data.customerId, orderId: data.orderId, amount: data.total }),
    };
    // @ts-expect-error BeginCancel needs the customer id
    const missingField: SagaStepInput<Data>['command'] = {
      type: MessageTypes.BeginCancel,
      payload: (data) => ({ orderId: data.orderId }),
    };
    const wrongCompensation: SagaStepInput<Data>['compensation'] = {
      participant: 'order',
      // @ts-expect-error RejectOrder needs a reason
      command: { type: MessageTypes.RejectOrder, payload: (data) => ({ orderId: data.orderId }) },
    };
    const wrongReplyField: SagaStepInput<Data>['command'] = {
      type: MessageTypes.ApproveOrder,
      payload: (data) => ({ orderId: data.orderId }),
      // @ts-expect-error ApproveOrder's reply carries no total
      onSuccess: (data, reply) => ({ ...data, total: reply.total }),
    };
    expect([wrongField, missingField, wrongCompensation, wrongReplyField]).toHaveLength(4);
  });

  it('when a value an earlier step fills is missing, then building the payload fails instead of sending a default', () => {
    expect(filledByEarlierStep(1200, 'total')).toBe(1200);
    expect(() => filledByEarlierStep(undefined, 'total')).toThrow("saga data has no 'total'");
  });

  it('when a participant handler names its command, then the command is typed and its reply type comes from the catalog', () => {
    const handler = participantCommandHandler<SqlExecutor, typeof MessageTypes.DebitAccount>(participant, {
      type: MessageTypes.DebitAccount,
      unexpectedFailures: [],
      run: async (_tx, command) => {
        expectTypeOf(command).toEqualTypeOf<{ customerId: string; orderId: string; amount: number }>();
        return { ok: true, value: { amount: command.amount, balanceAfter: 0 } };
      },
    });
    expect(handler.type).toBe(MessageTypes.DebitAccount);
  });

  it('when a handler returns a SUCCEEDED value that breaks the reply schema, or answers a command without an order id, then it does not compile', () => {
    participantCommandHandler(participant, {
      type: MessageTypes.DebitAccount,
      unexpectedFailures: 'all',
      // @ts-expect-error the debit reply states the balance after it
      run: async (_tx, command) => ({ ok: true, value: { amount: command.amount } }),
    });
    participantCommandHandler(participant, {
      type: MessageTypes.BeginCancel,
      unexpectedFailures: [],
      // @ts-expect-error BeginCancel's total is a number
      run: async () => ({ ok: true, value: { total: '12' } }),
    });

    participantCommandHandler(participant, {
      // @ts-expect-error an event is not a command a participant answers
      type: MessageTypes.CustomerRegistered,
      unexpectedFailures: [],
      run: async () => ({ ok: false, failure: 'NOT_A_COMMAND' }),
    });
  });

  it('when a participant names its reply key, then only a text field the command carries and its replies repeat compiles', () => {
    expectTypeOf<ReplyKeyOf<typeof MessageTypes.DebitAccount>>().toEqualTypeOf<'orderId'>();
    expect(replyKeyPicker<typeof MessageTypes.DebitAccount>('orderId')({ customerId: 'c', orderId: 'o', amount: 1 })).toEqual({
      orderId: 'o',
    });
    // @ts-expect-error the debit's replies do not repeat the customer id
    replyKeyPicker<typeof MessageTypes.DebitAccount>('customerId');
    // @ts-expect-error the amount is not text
    participantCommandHandlers({ ...participant, replyKey: 'amount' }, {} as never);
  });

  it('when a participant lists its answers, then every command it owns must be answered, and only those', () => {
    const refund = { unexpectedFailures: [], run: async () => ({ ok: true as const, value: { refunded: 0 } }) };
    const handlers = participantCommandHandlers(participant, {
      [MessageTypes.DebitAccount]: {
        unexpectedFailures: [],
        run: async (_tx, command) => ({ ok: true, value: { amount: command.amount, balanceAfter: 0 } }),
      },
      [MessageTypes.RefundAccount]: refund,
    });
    expect(handlers.map((handler) => handler.type).sort()).toEqual([MessageTypes.DebitAccount, MessageTypes.RefundAccount]);
    // @ts-expect-error the account service owns DebitAccount too
    participantCommandHandlers(participant, { [MessageTypes.RefundAccount]: refund });
    participantCommandHandlers(participant, {
      [MessageTypes.DebitAccount]: { unexpectedFailures: [], run: async () => ({ ok: false, failure: 'NO' }) },
      [MessageTypes.RefundAccount]: refund,
      // @ts-expect-error ApproveOrder is the order service's
      [MessageTypes.ApproveOrder]: { unexpectedFailures: 'all', run: async () => ({ ok: true, value: {} }) },
    });
  });
});
