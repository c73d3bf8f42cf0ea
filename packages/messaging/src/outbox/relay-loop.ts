import { isConnectivityFailure } from '@ordering/platform';
import { retryDelayMs, type BackoffSettings } from '../runtime/retry-delay.js';
import { claimDueRows } from './claim-due-rows.js';
import type { RelayContext } from './relay-context.js';

/** Backoff of the loop while the database or the whole transport is away: not any one row's fault. */
const DATABASE_BACKOFF: BackoffSettings = { baseMs: 200, maxMs: 5_000 };

/** How long the loop has been failing, by cause: each resets once that cause is gone. */
interface LoopBackoff {
  databaseFailures: number;
  outages: number;
}

/** Claims what the publisher has room for; returns whether the claim came back full (there may be more). */
export const sweepOnce = async ({ db, settings, publisher, log }: RelayContext): Promise<boolean> => {
  const limit = Math.min(settings.batchSize, publisher.room());
  if (limit === 0) return false;
  const rows = await claimDueRows(db, settings.leaseMs, limit);
  publisher.offer(rows);
  if (rows.length > 0) log.debug({ claimed: rows.length }, 'outbox rows claimed');
  return rows.length === limit;
};

const waitForTransport = async (context: RelayContext, backoff: LoopBackoff): Promise<void> => {
  backoff.outages += 1;
  // Wakes cannot help, but the transport says when it is back (that interrupts this pause).
  await context.pause.sleep(retryDelayMs(backoff.outages, DATABASE_BACKOFF), { wakeable: false });
  context.state.transportAway = false;
};

const sweepAndRest = async (context: RelayContext, backoff: LoopBackoff): Promise<void> => {
  const { state, log } = context;
  const more = await sweepOnce(context);
  if (backoff.databaseFailures > 0) log.info({ failures: backoff.databaseFailures }, 'outbox relay reached the database again');
  backoff.databaseFailures = 0;
  state.databaseFailing = false;
  context.loopFailures.reset();
  if (!state.transportAway) {
    backoff.outages = 0;
    context.transportOutage.reset();
  }
  if (!more) await context.pause.sleep(context.settings.pollIntervalMs);
};

const backOffAfterFailure = async (context: RelayContext, backoff: LoopBackoff, error: unknown): Promise<void> => {
  backoff.databaseFailures += 1;
  context.state.databaseFailing = true;
  const delayMs = retryDelayMs(backoff.databaseFailures, DATABASE_BACKOFF);
  context.loopFailures.warn(
    { err: error, databaseUnreachable: isConnectivityFailure(error), failures: backoff.databaseFailures, retryInMs: delayMs },
    'outbox relay pass failed, backing off',
  );
  // A wake cannot help while the database is away: only stop() ends this pause early.
  await context.pause.sleep(delayMs, { wakeable: false });
};

/** The safety net: sweeps due rows until stop(), backing off while the database or the transport is away. */
export const runRelayLoop = async (context: RelayContext): Promise<void> => {
  const backoff: LoopBackoff = { databaseFailures: 0, outages: 0 };
  while (!context.state.stopping) {
    if (context.state.transportAway) {
      await waitForTransport(context, backoff);
      continue;
    }
    try {
      await sweepAndRest(context, backoff);
    } catch (error) {
      await backOffAfterFailure(context, backoff, error);
    }
  }
};
