import { createPublisherContext, settleIdle, whenIdle, type OutboxPublisherDeps, type PublisherContext } from './publisher-context.js';
import type { OutboxRow } from './outbox-row.js';
import { publishOne, publishTogether } from './row-publishing.js';

export type { OutboxRow } from './outbox-row.js';
export type { OutboxPublisherDeps, OutboxPublisherSettings } from './publisher-context.js';

export interface OutboxPublisher {
  /** Queues rows to publish; returns how many it took (the rest stay leased for the relay). */
  offer(rows: readonly OutboxRow[]): number;
  /** Rows it can take right now without queueing past its bound. */
  room(): number;
  /** Resolves once every queued and in-flight publish, and the marks they wrote, are done. */
  idle(): Promise<void>;
}

/** Takes the waiting rows for `destination` out of the queue, oldest first, at most one batch of them. */
const takeFor = ({ state, batchLimit }: PublisherContext, destination: string): OutboxRow[] => {
  const taken: OutboxRow[] = [];
  const rest: OutboxRow[] = [];
  for (const row of state.queue) (row.destination === destination && taken.length < batchLimit ? taken : rest).push(row);
  state.queue = rest;
  return taken;
};

const hasSlotFor = ({ state, settings }: PublisherContext, row: OutboxRow): boolean =>
  (state.inFlightTo.get(row.destination) ?? 0) < settings.perDestination;

/** Starts publishes while there are free slots and rows that may use them. */
const pump = (context: PublisherContext): void => {
  const { state, transport } = context;
  while (state.inFlight < context.settings.concurrency) {
    const next = state.queue.find((row) => hasSlotFor(context, row));
    if (!next) return;
    const rows = takeFor(context, next.destination);
    state.inFlight += 1;
    state.inFlightTo.set(next.destination, (state.inFlightTo.get(next.destination) ?? 0) + 1);
    const publishing =
      rows.length > 1 && transport.publishBatch
        ? publishTogether(context, rows, transport.publishBatch.bind(transport))
        : publishOne(context, rows[0] as OutboxRow);
    void publishing.finally(() => {
      state.inFlight -= 1;
      state.inFlightTo.set(next.destination, (state.inFlightTo.get(next.destination) ?? 1) - 1);
      pump(context);
      context.onRoom();
      settleIdle(context);
    });
  }
};

/**
 * Publishes outbox rows outside any transaction, at most `concurrency` at once, and records each outcome: SENT
 * (batched: one UPDATE for every row that succeeded since the last one), retried later with backoff, DEAD after
 * too many failures, or handed back at once when the transport as a whole is away. A crash before a row is
 * marked leaves it PENDING, so it is published again after its lease: at least once, and receivers drop
 * duplicates through their inbox.
 */
export const createOutboxPublisher = (deps: OutboxPublisherDeps): OutboxPublisher => {
  const context = createPublisherContext(deps);
  const { state, settings } = context;
  const room = (): number => Math.max(0, settings.concurrency + settings.maxQueued - state.inFlight - state.queue.length);
  return {
    offer(rows) {
      const taken = rows.slice(0, room());
      state.queue.push(...taken);
      pump(context);
      return taken.length;
    },
    room,
    idle: () => whenIdle(context),
  };
};
