import type { Envelope } from '@ordering/contracts';
import { describeError, isConnectivityFailure, isPermanentDataFailure, type SqlExecutor } from '@ordering/platform';
import { sql } from 'drizzle-orm';
import { parkMessage, type ParkedMessage } from '../dead-letters/dead-letter-store.js';
import { messageAttempts } from './consumer-schema.js';
import type { ConsumeOptions, ConsumeResult } from './consume-types.js';
import type { ConsumerContext } from './consumer-context.js';
import { rawTextOf, type ParsedBody } from './message-body.js';

const parkInDatabase = async (db: SqlExecutor, parked: ParkedMessage, parsed: ParsedBody): Promise<string> => {
  try {
    return await parkMessage(db, parked);
  } catch (error) {
    // e.g. JSON that PostgreSQL's jsonb refuses (a \u0000 in a string): park the text as received instead.
    if (isConnectivityFailure(error) || !parsed.ok) throw error;
    return parkMessage(db, { ...parked, message: { raw: rawTextOf(parsed) } });
  }
};

/** Parks the message where `options.park` says (by default the `dead_letters` table) and reports it dead-lettered. */
export const deadLetter = async <Tx extends SqlExecutor>(
  context: ConsumerContext<Tx>,
  parked: Omit<ParkedMessage, 'consumer'>,
  parsed: ParsedBody,
  options: ConsumeOptions,
  logContext: Record<string, unknown> = {},
): Promise<ConsumeResult> => {
  const full = { ...parked, consumer: context.service };
  const deadLetterId = options.park ? await options.park(full) : await parkInDatabase(context.db, full, parsed);
  const result: ConsumeResult = { outcome: 'dead-lettered', error: parked.error, ...(deadLetterId ? { deadLetterId } : {}) };
  if (parked.messageId) result.messageId = parked.messageId;
  if (parked.messageType) result.type = parked.messageType;
  return context.report.finish(result, { attempts: parked.attempts, ...logContext });
};

/** Counts one more failed handler run of this message; returns how many there were. */
const recordAttempt = async (db: SqlExecutor, service: string, envelope: Envelope, lastError: string): Promise<number> => {
  const [counted] = await db
    .insert(messageAttempts)
    .values({ consumer: service, messageId: envelope.id, attempts: 1, lastError })
    .onConflictDoUpdate({
      target: [messageAttempts.consumer, messageAttempts.messageId],
      set: { attempts: sql`${messageAttempts.attempts} + 1`, lastError, updatedAt: sql`now()` },
    })
    .returning({ attempts: messageAttempts.attempts });
  return counted?.attempts ?? 1;
};

/** A failed handler run: retried by the sender, or parked once it failed too often (or can never succeed). */
export const countFailure = async <Tx extends SqlExecutor>(
  context: ConsumerContext<Tx>,
  envelope: Envelope,
  error: unknown,
  options: ConsumeOptions,
): Promise<ConsumeResult> => {
  const lastError = describeError(error);
  const attempts = await recordAttempt(context.db, context.service, envelope, lastError);
  const logContext = { source: envelope.source, correlationId: envelope.correlationId };
  // A message the database refuses can never succeed: park it now instead of looping through the retries.
  const permanent = isPermanentDataFailure(error);
  if (permanent || attempts >= context.maxAttempts) {
    const reason = permanent
      ? `The handler failed with an error no retry can fix: ${lastError}`
      : `The handler failed ${attempts} times; last error: ${lastError}`;
    const replay = options.deadLetterId ? { deadLetterId: options.deadLetterId } : {};
    const parked = { messageId: envelope.id, messageType: envelope.type, message: envelope, error: reason, attempts, ...replay };
    return deadLetter(context, parked, { ok: true, value: envelope, text: undefined }, options, logContext);
  }
  return context.report.finish(
    { outcome: 'retry', messageId: envelope.id, type: envelope.type, error: lastError },
    { ...logContext, attempts, maxAttempts: context.maxAttempts },
  );
};
