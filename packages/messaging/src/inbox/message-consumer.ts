import { setTimeout as sleep } from 'node:timers/promises';
import { contractOf, maySend, MESSAGE_CATALOG, type Envelope } from '@ordering/contracts';
import { describeError, inConsumerSpan, isConnectivityFailure, isPermanentDataFailure, isTransactionCollision, type Logger, type MessageSpan, type ServiceMetrics, type SqlExecutor } from '@ordering/platform';
import { and, eq, sql } from 'drizzle-orm';
import { inboxMessages, messageAttempts } from './consumer-schema.js';
import { isUuid, parkMessage, type ParkedMessage } from '../dead-letters/dead-letter-store.js';
import type { MessageHandler } from './message-handler.js';
import { sharedCounter } from '../runtime/registered-metrics.js';
import { checkEnvelope, compilePayloadValidators } from './message-validation.js';

/**
 * - processed: the handler's effect committed.
 * - duplicate: the inbox already had this message; nothing was done.
 * - dead-lettered: parked for an operator (invalid, or failed too often); the sender must not resend.
 * - retry: a transient failure; the sender should resend later.
 */
export type ConsumeOutcome = 'processed' | 'duplicate' | 'dead-lettered' | 'retry';

export interface ConsumeResult {
  outcome: ConsumeOutcome;
  messageId?: string;
  type?: string;
  /** Why it was dead-lettered or must be retried. */
  error?: string;
  deadLetterId?: string;
}

export interface ConsumeOptions {
  /** Set by a replay: a failure updates this dead letter instead of parking a new one. */
  deadLetterId?: string;
  /**
   * Set by the first delivery of a replay that will be retried like any message (RabbitMQ): the failures that
   * dead-lettered it are forgotten, so the replay gets the full number of attempts instead of one.
   */
  freshAttempts?: boolean;
  /**
   * Where a dead letter goes; resolves with its id. Default: the service's `dead_letters` table. The RabbitMQ
   * consumer parks in the queue's DLQ instead, with the original body. Throwing means "not parked": the
   * outcome is then 'retry'.
   */
  park?: (parked: ParkedMessage) => Promise<string | undefined>;
  /**
   * The service whose signature the transport verified: the envelope's `source` must be this service. Unset when
   * the message was replayed by an operator or accepted unsigned in development mode: its `source` stands, under the
   * same rules of who may send what.
   */
  sender?: string;
  /** The transport could not authenticate the message (bad or missing signature): it is parked at once, unread. */
  unauthenticated?: string;
  /** The transport delivered this before (RabbitMQ's `redelivered` flag): counted as a redelivery whatever the inbox says. */
  redelivered?: boolean;
}

/** Runs work in one transaction of the service's own database, e.g. `(work) => database.db.transaction(work)`. */
export type RunInTransaction<Tx> = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;

export interface MessageConsumerDeps<Tx extends SqlExecutor> {
  service: string;
  runInTransaction: RunInTransaction<Tx>;
  /** The same database, for the bookkeeping that happens outside a handler's transaction. */
  db: SqlExecutor;
  handlers: MessageHandler<Tx>[];
  logger: Logger;
  metrics: ServiceMetrics;
  /** Failed handler runs before a message is dead-lettered. Default 5. */
  maxAttempts?: number;
  /** `messaging.system` of the consumer spans (the transport the messages arrive by). Default 'http'. */
  messagingSystem?: string;
}

export interface MessageConsumer {
  /** `raw` is the body as text or a Buffer (parsed here, so garbage is parked), or an already parsed object. Never throws. */
  consume(raw: unknown, options?: ConsumeOptions): Promise<ConsumeResult>;
  /**
   * Several messages that arrived together: the ones that can be handled run in one transaction (one commit for
   * all); when any of them fails there, each is consumed on its own instead, so one poison message cannot hold up
   * the others. Results in the order of `items`. Never throws.
   */
  consumeBatch(items: readonly BatchItem[]): Promise<ConsumeResult[]>;
}

export interface BatchItem {
  raw: unknown;
  options?: ConsumeOptions;
}

/** Serialization failures and deadlocks are retried here before they count as a failed attempt. */
const COLLISION_RETRIES = 3;

type Parsed = { ok: true; value: unknown; text: string | undefined } | { ok: false; text: string; error: string };

const parse = (raw: unknown): Parsed => {
  const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : undefined;
  if (text === undefined) return raw === undefined || raw === null ? { ok: false, text: '', error: 'The message body is empty' } : { ok: true, value: raw, text };
  if (text.trim() === '') return { ok: false, text, error: 'The message body is empty' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown, text };
  } catch (error) {
    return { ok: false, text, error: `The message body is not valid JSON: ${(error as Error).message}` };
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What an operator sees: the parsed JSON when it is a JSON object or array, otherwise the text as received. */
const storable = (parsed: Parsed): unknown => {
  if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null) return parsed.value;
  return { raw: parsed.ok ? (parsed.text ?? JSON.stringify(parsed.value)) : parsed.text };
};

const identityOf = (value: unknown): { messageId: string | null; messageType: string | null } => {
  if (!isRecord(value)) return { messageId: null, messageType: null };
  return { messageId: isUuid(value['id']) ? value['id'] : null, messageType: typeof value['type'] === 'string' ? value['type'] : null };
};

/** Why this sender may not deliver this message, or undefined: the catalog states who may send each type. */
const senderRefusal = (message: Envelope, sender: string | undefined): string | undefined => {
  if (sender !== undefined && sender !== message.source) return `The message claims to come from '${message.source}' but is signed by '${sender}'`;
  if (maySend(message.source, message.type)) return undefined;
  const allowed = MESSAGE_CATALOG[message.type]?.senders.join(', ') ?? 'nobody';
  return `'${message.source}' may not send ${message.type} (only ${allowed} may)`;
};

/**
 * The receiving half of reliable messaging: validates a message against its contract, and runs its handler in
 * one transaction together with the inbox record, so each message takes effect at most once however often it
 * is delivered. Invalid messages and messages whose handler keeps failing are parked as dead letters.
 */
export const createMessageConsumer = <Tx extends SqlExecutor>(deps: MessageConsumerDeps<Tx>): MessageConsumer => {
  const { service, db, runInTransaction } = deps;
  const log = deps.logger.child({ component: 'message-consumer' });
  const maxAttempts = deps.maxAttempts ?? 5;
  const handlers = new Map(deps.handlers.map((handler) => [handler.type, handler] as const));
  if (handlers.size !== deps.handlers.length) throw new Error(`Two handlers are registered for the same message type in ${service}`);
  const payloadValidators = compilePayloadValidators([...handlers.keys()]);
  const spanSettings = { service, system: deps.messagingSystem ?? 'http' };

  const registry = deps.metrics.registry;
  const consumed = sharedCounter(registry, 'messages_consumed_total', 'Messages received by the consumer runtime, by outcome', ['type', 'outcome']);
  const redelivered = sharedCounter(
    registry,
    'messages_redelivered_total',
    'Deliveries of a message this consumer had already processed, or that the broker marked redelivered',
    ['type'],
  );
  // From 0, so that rate() sees the first redelivery of each handled type.
  for (const type of handlers.keys()) redelivered.inc({ type }, 0);

  // Label values come from untrusted input: only catalog types become labels.
  const labelOf = (type: string | null | undefined): string => (type && contractOf(type) ? type : 'unknown');

  /** One count per delivery, however many reasons it has to be a redelivery. */
  const countRedelivery = (result: ConsumeResult, options: ConsumeOptions | undefined): void => {
    if (result.outcome === 'duplicate' || options?.redelivered === true) redelivered.inc({ type: labelOf(result.type) });
  };

  const finish = (result: ConsumeResult, context: Record<string, unknown>): ConsumeResult => {
    consumed.inc({ type: labelOf(result.type), outcome: result.outcome });
    const fields = { ...context, messageId: result.messageId, type: result.type, outcome: result.outcome };
    if (result.outcome === 'dead-lettered') log.error({ ...fields, error: result.error, deadLetterId: result.deadLetterId }, 'message dead-lettered');
    else if (result.outcome === 'retry') log.warn({ ...fields, error: result.error }, 'message failed, the sender will retry it');
    else log.debug(fields, 'message consumed');
    return result;
  };

  const parkInDatabase = async (parked: ParkedMessage, parsed: Parsed): Promise<string> => {
    try {
      return await parkMessage(db, parked);
    } catch (error) {
      // e.g. JSON that PostgreSQL's jsonb refuses (a \u0000 in a string): park the text as received instead.
      if (isConnectivityFailure(error) || !parsed.ok) throw error;
      return parkMessage(db, { ...parked, message: { raw: parsed.text ?? JSON.stringify(parsed.value) } });
    }
  };

  const deadLetter = async (
    parked: Omit<ParkedMessage, 'consumer'>,
    parsed: Parsed,
    options: ConsumeOptions,
    context: Record<string, unknown> = {},
  ): Promise<ConsumeResult> => {
    const deadLetterId = options.park ? await options.park({ ...parked, consumer: service }) : await parkInDatabase({ ...parked, consumer: service }, parsed);
    const result: ConsumeResult = { outcome: 'dead-lettered', error: parked.error, ...(deadLetterId ? { deadLetterId } : {}) };
    if (parked.messageId) result.messageId = parked.messageId;
    if (parked.messageType) result.type = parked.messageType;
    return finish(result, { attempts: parked.attempts, ...context });
  };

  const countFailure = async (envelope: Envelope, error: unknown, options: ConsumeOptions): Promise<ConsumeResult> => {
    const lastError = describeError(error);
    const [counted] = await db
      .insert(messageAttempts)
      .values({ consumer: service, messageId: envelope.id, attempts: 1, lastError })
      .onConflictDoUpdate({
        target: [messageAttempts.consumer, messageAttempts.messageId],
        set: { attempts: sql`${messageAttempts.attempts} + 1`, lastError, updatedAt: sql`now()` },
      })
      .returning({ attempts: messageAttempts.attempts });
    const attempts = counted?.attempts ?? 1;
    // A message the database refuses can never succeed: park it now instead of looping through the retries.
    const permanent = isPermanentDataFailure(error);
    if (permanent || attempts >= maxAttempts) {
      return deadLetter(
        {
          messageId: envelope.id,
          messageType: envelope.type,
          message: envelope,
          error: permanent ? `The handler failed with an error no retry can fix: ${lastError}` : `The handler failed ${attempts} times; last error: ${lastError}`,
          attempts,
          ...(options.deadLetterId ? { deadLetterId: options.deadLetterId } : {}),
        },
        { ok: true, value: envelope, text: undefined },
        options,
        { source: envelope.source, correlationId: envelope.correlationId },
      );
    }
    return finish(
      { outcome: 'retry', messageId: envelope.id, type: envelope.type, error: lastError },
      { source: envelope.source, correlationId: envelope.correlationId, attempts, maxAttempts },
    );
  };

  /** Records the message in this consumer's inbox, in the handler's transaction: false when it was already there. */
  const recordInInbox = async (tx: Tx, envelope: Envelope): Promise<boolean> => {
    const recorded = await tx
      .insert(inboxMessages)
      .values({ consumer: service, messageId: envelope.id, messageType: envelope.type })
      .onConflictDoNothing()
      .returning({ messageId: inboxMessages.messageId });
    return recorded.length > 0;
  };

  const handle = async (envelope: Envelope, handler: MessageHandler<Tx>, options: ConsumeOptions, span: MessageSpan): Promise<ConsumeResult> => {
    const context = { source: envelope.source, correlationId: envelope.correlationId };
    for (let collisions = 0; ; collisions += 1) {
      try {
        const outcome = await runInTransaction(async (tx) => {
          if (!(await recordInInbox(tx, envelope))) return 'duplicate' as const;
          await handler.handle(tx, envelope);
          return 'processed' as const;
        });
        return finish({ outcome, messageId: envelope.id, type: envelope.type }, context);
      } catch (error) {
        if (isConnectivityFailure(error)) {
          span.fail(error);
          // The database is away: not the message's fault, so the attempt is not counted.
          return finish({ outcome: 'retry', messageId: envelope.id, type: envelope.type, error: describeError(error) }, context);
        }
        if (isTransactionCollision(error) && collisions < COLLISION_RETRIES) {
          await sleep(10 + Math.random() * 40 * (collisions + 1));
          continue;
        }
        span.fail(error);
        return countFailure(envelope, error, options);
      }
    }
  };

  const consumeOrThrow = async (raw: unknown, options: ConsumeOptions): Promise<ConsumeResult> => {
    const replay = options.deadLetterId ? { deadLetterId: options.deadLetterId } : {};
    const parsed = parse(raw);
    if (!parsed.ok) {
      return deadLetter({ messageId: null, messageType: null, message: storable(parsed), error: parsed.error, attempts: 1, ...replay }, parsed, options);
    }
    const invalid = (error: string): Promise<ConsumeResult> =>
      deadLetter({ ...identityOf(parsed.value), message: storable(parsed), error, attempts: 1, ...replay }, parsed, options);

    if (options.unauthenticated !== undefined) return invalid(`The message was refused as unauthenticated: ${options.unauthenticated}`);
    const envelope = checkEnvelope(parsed.value);
    if (!envelope.valid) return invalid(envelope.error);
    const message = envelope.value;
    // The handler's transaction runs in this span: its SQL, and the replies and commands it creates, join the sender's trace.
    return inConsumerSpan(message, spanSettings, async (span) => {
      const result = await dispatch(message, options, invalid, span);
      span.setAttribute('ordering.message.outcome', result.outcome);
      if (result.outcome === 'retry' || result.outcome === 'dead-lettered') span.fail(undefined, result.error);
      return result;
    });
  };

  /** Whether this service can handle the message as it is: its handler, or why not. No side effects. */
  const examine = (message: Envelope, options: ConsumeOptions): { handler: MessageHandler<Tx> } | { error: string } => {
    if (message.destination !== service) return { error: `The message is addressed to '${message.destination}', but this is '${service}'` };
    const handler = handlers.get(message.type);
    const validatePayload = payloadValidators.get(message.type);
    if (!handler || !validatePayload) {
      return { error: `'${service}' has no handler for message type '${message.type}' (handled: ${[...handlers.keys()].join(', ') || 'none'})` };
    }
    const refusal = senderRefusal(message, options.sender);
    if (refusal) return { error: refusal };
    const payload = validatePayload(message.payload);
    return payload.valid ? { handler } : { error: payload.error };
  };

  const dispatch = async (message: Envelope, options: ConsumeOptions, invalid: (error: string) => Promise<ConsumeResult>, span: MessageSpan): Promise<ConsumeResult> => {
    const examined = examine(message, options);
    if ('error' in examined) return invalid(examined.error);
    const { handler } = examined;
    if (options.freshAttempts) {
      await db.delete(messageAttempts).where(and(eq(messageAttempts.consumer, service), eq(messageAttempts.messageId, message.id)));
    }
    return handle(message, handler, options, span);
  };

  const consumeOnce = async (raw: unknown, options: ConsumeOptions): Promise<ConsumeResult> => {
    try {
      return await consumeOrThrow(raw, options);
    } catch (error) {
      // Even parking failed (the database is away): the sender keeps the message and resends it later.
      const parsed = parse(raw);
      const { messageId, messageType } = identityOf(parsed.ok ? parsed.value : undefined);
      return finish({ outcome: 'retry', error: describeError(error), ...(messageId ? { messageId } : {}), ...(messageType ? { type: messageType } : {}) }, {});
    }
  };

  const consume = async (raw: unknown, options: ConsumeOptions = {}): Promise<ConsumeResult> => {
    const result = await consumeOnce(raw, options);
    countRedelivery(result, options);
    return result;
  };

  /** A message of a batch that may share its transaction: valid, handled here, and not an operator's replay. */
  const admit = (item: BatchItem): { message: Envelope; handler: MessageHandler<Tx> } | undefined => {
    const options = item.options ?? {};
    // `park` may stay: only a message consumed on its own is ever parked.
    if (options.unauthenticated !== undefined || options.deadLetterId || options.freshAttempts) return undefined;
    const parsed = parse(item.raw);
    if (!parsed.ok) return undefined;
    const envelope = checkEnvelope(parsed.value);
    if (!envelope.valid) return undefined;
    const examined = examine(envelope.value, options);
    return 'handler' in examined ? { message: envelope.value, handler: examined.handler } : undefined;
  };

  const handleTogether = async (batch: Array<{ message: Envelope; handler: MessageHandler<Tx> }>): Promise<Array<'processed' | 'duplicate'>> =>
    runInTransaction(async (tx) => {
      const outcomes: Array<'processed' | 'duplicate'> = [];
      for (const { message, handler } of batch) {
        // Each message keeps its own consumer span (and so its own trace); only the commit is shared.
        const outcome = await inConsumerSpan(message, spanSettings, async (span) => {
          if (!(await recordInInbox(tx, message))) return 'duplicate' as const;
          await handler.handle(tx, message);
          span.setAttribute('ordering.message.outcome', 'processed');
          return 'processed' as const;
        });
        outcomes.push(outcome);
      }
      return outcomes;
    });

  const consumeBatch = async (items: readonly BatchItem[]): Promise<ConsumeResult[]> => {
    const admitted = items.map(admit);
    const together = admitted.flatMap((entry, index) => (entry ? [{ ...entry, index }] : []));
    const results: Array<ConsumeResult | undefined> = new Array<ConsumeResult | undefined>(items.length);
    if (together.length > 1) {
      try {
        const outcomes = await handleTogether(together);
        together.forEach((entry, k) => {
          const outcome = outcomes[k] ?? 'processed';
          const result = finish({ outcome, messageId: entry.message.id, type: entry.message.type }, { source: entry.message.source, correlationId: entry.message.correlationId, batch: together.length });
          countRedelivery(result, items[entry.index]?.options);
          results[entry.index] = result;
        });
      } catch (error) {
        // One of them failed (or two batches collided): nothing of the batch committed; each goes on its own below.
        log.debug({ err: error, batch: together.length }, 'a batch of messages failed together, consuming them one by one');
      }
    }
    for (const [index, item] of items.entries()) {
      results[index] ??= await consume(item.raw, item.options ?? {});
    }
    return results as ConsumeResult[];
  };

  return { consume, consumeBatch };
};
