import { describe, expectTypeOf, it } from 'vitest';
import {
  contractOf,
  MessageTypes,
  type CommandType,
  type EventType,
  type KindOf,
  type MessageContract,
  type MessageType,
  type OwnerOf,
  type PayloadOf,
  type ReplyPayloadOf,
  type ReplyType,
  type ReplyTypeOf,
} from '../src/index.js';

describe('message types derived from the catalog', () => {
  it('when a type is named, then its literal type name, owner, kind and reply type are known to the compiler', () => {
    expectTypeOf(MessageTypes.DebitAccount).toEqualTypeOf<'account.DebitAccount.v1'>();
    expectTypeOf(MessageTypes.DebitAccountReply).toEqualTypeOf<'account.DebitAccountReply.v1'>();
    expectTypeOf<OwnerOf<'order.ApproveOrder.v1'>>().toEqualTypeOf<'order'>();
    expectTypeOf<KindOf<'customer.CustomerRegistered.v1'>>().toEqualTypeOf<'event'>();
    expectTypeOf<ReplyTypeOf<'order.BeginCancel.v1'>>().toEqualTypeOf<'order.BeginCancelReply.v1'>();
    expectTypeOf<EventType>().toEqualTypeOf<'customer.CustomerRegistered.v1'>();
    expectTypeOf<CommandType>().toExtend<MessageType>();
    expectTypeOf<ReplyType>().toExtend<MessageType>();
    // @ts-expect-error a reply has no reply of its own
    expectTypeOf<ReplyTypeOf<'order.BeginCancelReply.v1'>>();
    // @ts-expect-error a type outside the catalog
    expectTypeOf<PayloadOf<'account.MintMoney.v1'>>();
  });

  it('when a payload is typed from its contract, then a wrong or missing field does not compile', () => {
    expectTypeOf<PayloadOf<'account.DebitAccount.v1'>>().toEqualTypeOf<{ customerId: string; orderId: string; amount: number }>();
    const debit: PayloadOf<typeof MessageTypes.DebitAccount> = { customerId: 'c', orderId: 'o', amount: 1 };
    expectTypeOf(debit.amount).toBeNumber();
    // @ts-expect-error amount is a number
    const wrong: PayloadOf<typeof MessageTypes.DebitAccount> = { customerId: 'c', orderId: 'o', amount: '1' };
    // @ts-expect-error customerId is required
    const missing: PayloadOf<typeof MessageTypes.RefundAccount> = { orderId: 'o' };
    expectTypeOf([wrong, missing]).toBeArray();
  });

  it('when a reply is typed from its command, then its SUCCEEDED variant carries the fields its schema adds', () => {
    type Succeeded = Extract<ReplyPayloadOf<typeof MessageTypes.CreatePendingOrder>, { outcome: 'SUCCEEDED' }>;
    expectTypeOf<Succeeded['total']>().toBeNumber();
    expectTypeOf<Succeeded['currency']>().toEqualTypeOf<'JPY'>();
    // @ts-expect-error a failed reply has a reason, not a total
    expectTypeOf<Extract<ReplyPayloadOf<typeof MessageTypes.CreatePendingOrder>, { outcome: 'FAILED' }>['total']>();
  });

  it('when a contract is looked up by a literal type, then what it declares is typed precisely', () => {
    expectTypeOf(contractOf(MessageTypes.CustomerRegistered).subscribers).toExtend<readonly ['account']>();
    expectTypeOf(contractOf(MessageTypes.DebitAccount).owner).toEqualTypeOf<'account'>();
    expectTypeOf(contractOf('order.Teleport.v1')).toEqualTypeOf<MessageContract | undefined>();
  });
});
