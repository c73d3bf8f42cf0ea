import type { Static, TSchema } from 'typebox';
import * as account from './account-messages.js';
import * as customer from './customer-messages.js';
import * as order from './order-messages.js';

export type MessageKind = 'command' | 'reply' | 'event';

/** A message as the catalog declares it, under its name (the middle of its versioned type). */
interface MessageDeclaration {
  readonly kind: 'command' | 'event';
  /** The service that handles a command (and sends its reply), or that publishes an event. */
  readonly owner: string;
  readonly version: number;
  readonly schema: TSchema;
  /** For commands: the schema of the reply the handler sends back, as `<Name>Reply` of the same owner and version. */
  readonly reply?: TSchema;
  /** For events: who receives a copy (fan-out); an event nobody would receive is a broken catalog. */
  readonly subscribers?: readonly [string, ...string[]];
  /**
   * The only services a receiver accepts this message from (checked against the sender's signature): a command's
   * callers; an event's owner. A reply's only sender is its owner. Adding a message means stating who may send it.
   */
  readonly senders: readonly string[];
}

/** The orchestrator drives every saga: it is the one caller of every participant command. */
const SAGA_DRIVER = 'orchestrator';

/**
 * Every message of the system, declared once: the type names, payload types, owners and replies below are all
 * derived from it, so adding a message is one entry here and the compiler points at every place that must follow.
 */
const DECLARED_MESSAGES = {
  CreatePendingOrder: {
    kind: 'command',
    owner: 'order',
    version: 1,
    schema: order.CreatePendingOrder,
    reply: order.CreatePendingOrderReply,
    senders: [SAGA_DRIVER],
  },
  ApproveOrder: {
    kind: 'command',
    owner: 'order',
    version: 1,
    schema: order.ApproveOrder,
    reply: order.ApproveOrderReply,
    senders: [SAGA_DRIVER],
  },
  RejectOrder: {
    kind: 'command',
    owner: 'order',
    version: 1,
    schema: order.RejectOrder,
    reply: order.RejectOrderReply,
    senders: [SAGA_DRIVER],
  },
  BeginCancel: {
    kind: 'command',
    owner: 'order',
    version: 1,
    schema: order.BeginCancel,
    reply: order.BeginCancelReply,
    senders: [SAGA_DRIVER],
  },
  ConfirmCancel: {
    kind: 'command',
    owner: 'order',
    version: 1,
    schema: order.ConfirmCancel,
    reply: order.ConfirmCancelReply,
    senders: [SAGA_DRIVER],
  },
  UndoCancel: {
    kind: 'command',
    owner: 'order',
    version: 1,
    schema: order.UndoCancel,
    reply: order.UndoCancelReply,
    senders: [SAGA_DRIVER],
  },
  DebitAccount: {
    kind: 'command',
    owner: 'account',
    version: 1,
    schema: account.DebitAccount,
    reply: account.DebitAccountReply,
    senders: [SAGA_DRIVER],
  },
  RefundAccount: {
    kind: 'command',
    owner: 'account',
    version: 1,
    schema: account.RefundAccount,
    reply: account.RefundAccountReply,
    senders: [SAGA_DRIVER],
  },
  CustomerRegistered: {
    kind: 'event',
    owner: 'customer',
    version: 1,
    schema: customer.CustomerRegistered,
    subscribers: ['account'],
    senders: ['customer'],
  },
} as const satisfies Record<string, MessageDeclaration>;

type Declared = typeof DECLARED_MESSAGES;
type CommandName = { [N in keyof Declared]: Declared[N] extends { kind: 'command' } ? N : never }[keyof Declared];
/** A command's reply, as if declared beside it: same owner and version, sent by that owner only. */
type DerivedReplies = {
  [C in CommandName as `${C}Reply`]: {
    kind: 'reply';
    owner: Declared[C]['owner'];
    version: Declared[C]['version'];
    schema: Declared[C]['reply'];
    senders: readonly [Declared[C]['owner']];
  };
};
/** The declared messages, each command naming its reply, and the derived replies. */
type Messages = {
  [N in keyof Declared]: N extends CommandName ? Omit<Declared[N], 'reply'> & { reply: `${N}Reply` } : Declared[N];
} & DerivedReplies;

/** A message's short name, e.g. `DebitAccount` or `DebitAccountReply`. */
export type MessageName = keyof Messages;
type TypeNames = { readonly [N in MessageName]: `${Messages[N]['owner']}.${N}.v${Messages[N]['version']}` };
/** A versioned message type, e.g. `account.DebitAccount.v1`. */
export type MessageType = TypeNames[MessageName];

type NameOf<T extends MessageType> = { [N in MessageName]: TypeNames[N] extends T ? N : never }[MessageName];
type MessageOf<T extends MessageType> = Messages[NameOf<T>];
type TypesOfKind<K extends MessageKind> = { [N in MessageName]: Messages[N]['kind'] extends K ? TypeNames[N] : never }[MessageName];

export type CommandType = TypesOfKind<'command'>;
export type ReplyType = TypesOfKind<'reply'>;
export type EventType = TypesOfKind<'event'>;
export type PayloadOf<T extends MessageType> = Static<MessageOf<T>['schema']>;
export type OwnerOf<T extends MessageType> = MessageOf<T>['owner'];
export type KindOf<T extends MessageType> = MessageOf<T>['kind'];
export type ReplyTypeOf<C extends CommandType> = MessageOf<C> extends { reply: infer R extends MessageName } ? TypeNames[R] : never;
export type ReplyPayloadOf<C extends CommandType> = PayloadOf<ReplyTypeOf<C>>;
/** The commands `service` handles: a participant must answer each of them. */
export type CommandsOwnedBy<S extends string> = { [C in CommandType]: OwnerOf<C> extends S ? C : never }[CommandType];

interface CatalogEntry {
  name: string;
  contract: MessageContract;
}

const typeNameOf = (name: string, { owner, version }: MessageDeclaration): string => `${owner}.${name}.v${version}`;

/** A declaration and, for a command, its reply. */
const entriesOf = (name: string, declaration: MessageDeclaration): CatalogEntry[] => {
  const { kind, owner, schema, reply, subscribers, senders } = declaration;
  const type = typeNameOf(name, declaration);
  if (!reply) return [{ name, contract: { type, kind, owner, schema, ...(subscribers ? { subscribers } : {}), senders } }];
  const replyName = `${name}Reply`;
  const replyType = typeNameOf(replyName, declaration);
  return [
    { name, contract: { type, kind, owner, schema, replyType, senders } },
    { name: replyName, contract: { type: replyType, kind: 'reply', owner, schema: reply, senders: [owner] } },
  ];
};

const CATALOG_ENTRIES = Object.entries<MessageDeclaration>(DECLARED_MESSAGES).flatMap(([name, declaration]) =>
  entriesOf(name, declaration),
);

/** Every message type by its name: `MessageTypes.DebitAccount` is `'account.DebitAccount.v1'`. */
// Object.fromEntries forgets the keys; the entries are exactly the declared names with their derived types.
export const MessageTypes = Object.freeze(
  Object.fromEntries(CATALOG_ENTRIES.map(({ name, contract }) => [name, contract.type])),
) as TypeNames;

export interface MessageContract {
  type: string;
  kind: MessageKind;
  /** The service that handles a command, or that publishes an event. */
  owner: string;
  schema: TSchema;
  /** For commands: the type of the reply the handler sends back. */
  replyType?: string;
  /** For events: who receives a copy (fan-out). */
  subscribers?: readonly string[];
  /**
   * The only services a receiver accepts this message from (checked against the sender's signature): a command's
   * callers; a reply's or an event's owner. Adding a message means stating who may send it.
   */
  senders: readonly string[];
}

/** What the catalog knows of one type, as precisely as it declares it (an event's subscribers, a command's senders). */
export type ContractOf<T extends MessageType> = MessageContract & Omit<MessageOf<T>, 'reply' | 'version'> & { type: T };

/** Every message of the system, by versioned type name. Both sides validate payloads against these schemas. */
export const MESSAGE_CATALOG: Readonly<Record<string, MessageContract>> = Object.freeze(
  Object.fromEntries(CATALOG_ENTRIES.map(({ contract }) => [contract.type, contract])),
);

/** The contract of a type: precisely typed for a literal type, possibly undefined for any other string. */
export function contractOf<T extends MessageType>(type: T): ContractOf<T>;
export function contractOf(type: string): MessageContract | undefined;
export function contractOf(type: string): MessageContract | undefined {
  return MESSAGE_CATALOG[type];
}

/** The type of the reply a command's handler sends back. */
// Every command's entry carries its reply type (entriesOf adds it), so the lookup cannot miss for a CommandType.
export const replyTypeOf = <C extends CommandType>(type: C): ReplyTypeOf<C> => MESSAGE_CATALOG[type]?.replyType as ReplyTypeOf<C>;

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
  [
    ...new Set(
      Object.values(MESSAGE_CATALOG)
        .filter((contract) => receiversOf(contract).includes(service))
        .flatMap((contract) => contract.senders),
    ),
  ].sort();
