import type { TSchema } from 'typebox';
import * as account from './account-messages.js';
import * as customer from './customer-messages.js';
import * as order from './order-messages.js';

export type MessageKind = 'command' | 'reply' | 'event';

export interface MessageContract {
  type: string;
  kind: MessageKind;
  /** The service that handles a command, or that publishes an event. */
  owner: string;
  schema: TSchema;
  /** For commands: the type of the reply the handler sends back. */
  replyType?: string;
  /** For events: who receives a copy (fan-out). */
  subscribers?: string[];
  /**
   * The only services a receiver accepts this message from (checked against the sender's signature): a command's
   * callers; a reply's or an event's owner. Adding a message means stating who may send it.
   */
  senders: readonly string[];
}

/** The orchestrator drives every saga: it is the one caller of every participant command. */
const SAGA_DRIVER = 'orchestrator';

const command = (owner: string, name: string, schema: TSchema, senders: readonly string[] = [SAGA_DRIVER]): MessageContract => ({
  type: `${owner}.${name}.v1`,
  kind: 'command',
  owner,
  schema,
  replyType: `${owner}.${name}Reply.v1`,
  senders,
});

const event = (owner: string, name: string, schema: TSchema, subscribers: string[]): MessageContract => ({
  type: `${owner}.${name}.v1`,
  kind: 'event',
  owner,
  schema,
  subscribers,
  senders: [owner],
});

const reply = (owner: string, name: string, schema: TSchema): MessageContract => ({
  type: `${owner}.${name}Reply.v1`,
  kind: 'reply',
  owner,
  schema,
  senders: [owner],
});

/** Every message of the system, by versioned type name. Both sides validate payloads against these schemas. */
export const MESSAGE_CATALOG: Record<string, MessageContract> = Object.fromEntries(
  [
    command('order', 'CreatePendingOrder', order.CreatePendingOrder),
    reply('order', 'CreatePendingOrder', order.CreatePendingOrderReply),
    command('order', 'ApproveOrder', order.ApproveOrder),
    reply('order', 'ApproveOrder', order.ApproveOrderReply),
    command('order', 'RejectOrder', order.RejectOrder),
    reply('order', 'RejectOrder', order.RejectOrderReply),
    command('order', 'BeginCancel', order.BeginCancel),
    reply('order', 'BeginCancel', order.BeginCancelReply),
    command('order', 'ConfirmCancel', order.ConfirmCancel),
    reply('order', 'ConfirmCancel', order.ConfirmCancelReply),
    command('order', 'UndoCancel', order.UndoCancel),
    reply('order', 'UndoCancel', order.UndoCancelReply),
    command('account', 'DebitAccount', account.DebitAccount),
    reply('account', 'DebitAccount', account.DebitAccountReply),
    command('account', 'RefundAccount', account.RefundAccount),
    reply('account', 'RefundAccount', account.RefundAccountReply),
    event('customer', 'CustomerRegistered', customer.CustomerRegistered, ['account']),
  ].map((contract) => [contract.type, contract] as const),
);

export const MessageTypes = {
  CreatePendingOrder: 'order.CreatePendingOrder.v1',
  CreatePendingOrderReply: 'order.CreatePendingOrderReply.v1',
  ApproveOrder: 'order.ApproveOrder.v1',
  ApproveOrderReply: 'order.ApproveOrderReply.v1',
  RejectOrder: 'order.RejectOrder.v1',
  RejectOrderReply: 'order.RejectOrderReply.v1',
  BeginCancel: 'order.BeginCancel.v1',
  BeginCancelReply: 'order.BeginCancelReply.v1',
  ConfirmCancel: 'order.ConfirmCancel.v1',
  ConfirmCancelReply: 'order.ConfirmCancelReply.v1',
  UndoCancel: 'order.UndoCancel.v1',
  UndoCancelReply: 'order.UndoCancelReply.v1',
  DebitAccount: 'account.DebitAccount.v1',
  DebitAccountReply: 'account.DebitAccountReply.v1',
  RefundAccount: 'account.RefundAccount.v1',
  RefundAccountReply: 'account.RefundAccountReply.v1',
  CustomerRegistered: 'customer.CustomerRegistered.v1',
} as const;

export const contractOf = (type: string): MessageContract | undefined => MESSAGE_CATALOG[type];

/** Whether `sender` may send messages of `type` at all; false for a type outside the catalog. */
export const maySend = (sender: string, type: string): boolean => contractOf(type)?.senders.includes(sender) ?? false;

/** Who receives a message of this contract: a command's owner, a reply's command senders, an event's subscribers. */
export const receiversOf = (contract: MessageContract): readonly string[] => {
  if (contract.kind === 'command') return [contract.owner];
  if (contract.kind === 'event') return contract.subscribers ?? [];
  const commands = Object.values(MESSAGE_CATALOG).filter((candidate) => candidate.replyType === contract.type);
  return commands.flatMap((candidate) => candidate.senders);
};

/** The services whose messages `service` receives: the senders whose public keys it needs, and only those. */
export const sendersTo = (service: string): string[] =>
  [...new Set(Object.values(MESSAGE_CATALOG).filter((contract) => receiversOf(contract).includes(service)).flatMap((contract) => contract.senders))].sort();
