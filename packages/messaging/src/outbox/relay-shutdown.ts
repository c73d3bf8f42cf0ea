import { setTimeout as sleep } from 'node:timers/promises';
import { withoutTracing } from '@ordering/platform';
import type { RelayContext } from './relay-context.js';
import { sweepOnce } from './relay-loop.js';

/** Resolves with the promise's value, or with undefined once `ms` have passed (the promise keeps running). */
const within = async <T>(promise: Promise<T>, ms: number): Promise<T | undefined> => {
  const controller = new AbortController();
  try {
    return await Promise.race([promise, sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined)]);
  } finally {
    controller.abort();
  }
};

/** Claim after claim until empty, out of time, or the transport went away. */
const drain = async (context: RelayContext, deadline: number): Promise<void> => {
  while (Date.now() < deadline) {
    const more = await sweepOnce(context);
    await context.publisher.idle();
    if (context.state.transportAway) {
      context.log.warn('outbox relay stopped without a final flush: the transport is unavailable; pending rows go out after restart');
      return;
    }
    if (!more) return;
  }
};

/** Shutdown: publish what is due right now, claim after claim, until empty or out of time. */
const flush = async (context: RelayContext): Promise<void> => {
  const { flushTimeoutMs } = context.settings;
  const deadline = Date.now() + flushTimeoutMs;
  await within(
    drain(context, deadline).catch((error: unknown) =>
      context.log.warn({ err: error }, 'final outbox flush failed; pending rows are published after restart'),
    ),
    flushTimeoutMs,
  );
};

/** Stops claiming, lets in-flight publishes finish, flushes what is still pending; both phases bounded. */
export const stopRelay = async (context: RelayContext): Promise<void> => {
  const { state, log, settings } = context;
  state.stopping = true;
  state.stopListening?.();
  clearTimeout(state.cleanupTimer);
  context.pause.interrupt();
  // Both phases are bounded, so a relay stuck on a hung peer or database cannot hold up the shutdown deadline.
  await within(Promise.all([state.loop, state.cleanup, context.publisher.idle()]), settings.flushTimeoutMs);
  if (state.databaseFailing)
    log.warn('outbox relay stopped without a final flush: the database is unreachable; pending rows go out after restart');
  else if (state.running) await withoutTracing(() => flush(context));
  log.info('outbox relay stopped');
};
