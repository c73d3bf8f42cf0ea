import pg from 'pg';
import type { Logger } from '@ordering/platform';

/**
 * "This saga just became terminal", from the transaction that finished it to whoever holds a `?wait` request for it,
 * on any orchestrator replica. PostgreSQL's NOTIFY is transactional: it is delivered after COMMIT and never for a
 * transaction that rolled back, so a waiter woken by it always reads the committed terminal state. The signal only
 * shortens a wait; waiters keep a slower poll, so a lost connection or a missed signal costs time, never correctness.
 */

/** The statement that makes a saga terminal runs `pg_notify` on this channel (saga-writes.ts, writeTransition). */
export const SAGA_FINISHED_CHANNEL = 'saga_finished';

/** One waiter's view of a saga's signals: a signal that arrives between two `next` calls is kept, not lost. */
export interface SagaWatch {
  /** Resolves at the next signal for the saga (at once if one came since the last call), or after `ms`. */
  next(ms: number): Promise<void>;
  close(): void;
}

export interface SagaFinishedListener {
  /** True while the LISTEN connection is up, so a waiter may poll less often. */
  listening(): boolean;
  watch(sagaId: string): SagaWatch;
  close(): Promise<void>;
}

interface Watcher {
  pending: boolean;
  wake: (() => void) | undefined;
}

const RECONNECT_DELAY_MS = 1_000;

/**
 * A dedicated connection (not one of the pool's) that LISTENs on the channel. It connects on the first watch, and
 * after a failure again on a later watch, at most once per RECONNECT_DELAY_MS.
 */
export const createSagaFinishedListener = (connection: pg.ClientConfig, logger: Pick<Logger, 'warn'>): SagaFinishedListener => {
  const watchers = new Map<string, Set<Watcher>>();
  let client: pg.Client | undefined;
  let connected = false;
  let connecting: Promise<void> | undefined;
  let lastAttemptAt = 0;
  let closed = false;

  const deliver = (sagaId: string): void => {
    for (const watcher of watchers.get(sagaId) ?? []) {
      watcher.pending = true;
      watcher.wake?.();
    }
  };

  const drop = (current: pg.Client, error?: Error): void => {
    if (client !== current) return;
    if (error) logger.warn({ err: error }, 'saga-finished listener lost its connection; ?wait falls back to polling');
    client = undefined;
    connected = false;
    void current.end().catch(() => undefined);
  };

  const connect = (): void => {
    if (closed || client || connecting || Date.now() - lastAttemptAt < RECONNECT_DELAY_MS) return;
    lastAttemptAt = Date.now();
    const current = new pg.Client({ ...connection, application_name: 'orchestrator-saga-listener' });
    client = current;
    current.on('error', (error) => drop(current, error));
    current.on('end', () => drop(current));
    current.on('notification', (message) => {
      if (message.channel === SAGA_FINISHED_CHANNEL && message.payload) deliver(message.payload);
    });
    connecting = (async () => {
      try {
        await current.connect();
        await current.query(`LISTEN ${SAGA_FINISHED_CHANNEL}`);
        connected = client === current;
      } catch (error) {
        drop(current, error instanceof Error ? error : new Error(String(error)));
      } finally {
        connecting = undefined;
        if (closed) void current.end().catch(() => undefined);
      }
    })();
  };

  return {
    listening: () => connected,
    watch(sagaId) {
      connect();
      const watcher: Watcher = { pending: false, wake: undefined };
      const set = watchers.get(sagaId) ?? new Set<Watcher>();
      set.add(watcher);
      watchers.set(sagaId, set);
      return {
        next: (ms) =>
          new Promise<void>((resolve) => {
            if (watcher.pending) {
              watcher.pending = false;
              return resolve();
            }
            const timer = setTimeout(() => {
              watcher.wake = undefined;
              resolve();
            }, ms);
            watcher.wake = () => {
              clearTimeout(timer);
              watcher.wake = undefined;
              watcher.pending = false;
              resolve();
            };
          }),
        close: () => {
          watcher.wake?.();
          set.delete(watcher);
          if (set.size === 0) watchers.delete(sagaId);
        },
      };
    },
    async close() {
      closed = true;
      const current = client;
      client = undefined;
      connected = false;
      if (current) await current.end().catch(() => undefined);
    },
  };
};
