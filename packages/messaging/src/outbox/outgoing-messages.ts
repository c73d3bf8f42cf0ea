import type { Envelope } from '@ordering/contracts';

/** An outbox row written in a transaction that will send it itself right after commit. */
export interface OutgoingMessage {
  readonly rowId: string;
  readonly envelope: Envelope;
  /** This process's time of the insert, for the publish lag: the row's own created_at is not read back. */
  readonly enqueuedAt: Date;
}

interface Collector {
  readonly leaseMs: number;
  readonly messages: OutgoingMessage[];
}

/**
 * Keyed by the transaction object itself: a savepoint is another object, so rows written inside one are never
 * sent from memory (its rollback would leave us holding a message that does not exist); the relay sends those.
 */
const collectors = new WeakMap<object, Collector>();

/**
 * Marks `tx` as a transaction whose messages its owner sends right after commit. Their rows are written with
 * a lease of `leaseMs`, so the relay leaves them alone unless the sender dies before it could send them.
 */
export const collectOutgoing = (tx: object, leaseMs: number): OutgoingMessage[] => {
  const collector: Collector = { leaseMs, messages: [] };
  collectors.set(tx, collector);
  return collector.messages;
};

export const outgoingCollectorOf = (tx: object): Collector | undefined => collectors.get(tx);
