import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Envelope } from '@ordering/contracts';
import {
  connectDatabase,
  createHttpServer,
  createLogger,
  createMetrics,
  runMigrations,
  type Database,
  type HttpServer,
  type Logger,
  type ServiceMetrics,
  type SqlExecutor,
  type Transaction,
} from '@ordering/platform';
import { createTestDatabase, testPublicKeys, testSigningKeyOf, type TestDatabase } from '@ordering/testing';
import { sql } from 'drizzle-orm';
import {
  createDeadLetterStore,
  createMessageConsumer,
  createMessageSigner,
  createMessageVerifier,
  enqueueMessages,
  registerMessageRoutes,
  type DeadLetterStore,
  type MessageConsumer,
  type MessageHandler,
  type MessageSigner,
  type MessageVerifier,
  type OutboxRelay,
  type RelayDatabase,
  type Transport,
} from '../src/index.js';
import type { DebitPayload } from './builders.js';
import * as schema from './fixtures/schema.js';
import { MESSAGING_MIGRATIONS } from '../src/messaging-migrations.js';

export type TestSchema = typeof schema;
export type TestTx = Transaction<TestSchema>;

export const silentLogger = (): Logger => createLogger({ service: 'test', level: 'silent' });

/** A logger whose lines the test can read. */
export const capturingLogger = (level = 'debug'): { logger: Logger; lines: Record<string, unknown>[] } => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ service: 'test', level, destination }), lines };
};

export interface TestDatabaseHandle {
  database: Database<TestSchema>;
  testDatabase: TestDatabase;
  enqueue(envelopes: Envelope[]): Promise<void>;
  count(sqlText: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

/** The test-only table of fixtures/schema.ts `ledger`; the messaging tables come from the package's migrations. */
const CREATE_TEST_LEDGER = `create table ledger (id uuid primary key default gen_random_uuid(), message_id uuid not null, order_id uuid not null,
  amount integer not null, applied_at timestamp (3) with time zone not null default now())`;

/** A fresh database with the messaging tables and the test ledger, migrated by platform's runMigrations. */
export const startTestDatabase = async (poolSize = 10): Promise<TestDatabaseHandle> => {
  const testDatabase = await createTestDatabase();
  const logger = silentLogger();
  const database = connectDatabase({ url: testDatabase.url, schema, logger, maxConnections: poolSize, applicationName: 'messaging-test' });
  await runMigrations(database.pool, [MESSAGING_MIGRATIONS], logger);
  await database.pool.query(CREATE_TEST_LEDGER);
  return {
    database,
    testDatabase,
    enqueue: (envelopes) => enqueueMessages(database.db, envelopes),
    async count(sqlText, params = []) {
      const result = await database.pool.query<{ count: string }>(sqlText, params);
      return Number(result.rows[0]?.count ?? 0);
    },
    async close() {
      await database.close();
      await testDatabase.drop();
    },
  };
};

/** The effect under test: one ledger row per application of a debit command. */
export const ledgerHandler = (
  options: { failTimes?: number; failWith?: () => Error } = {},
): MessageHandler<TestTx, DebitPayload> & { calls: number } => {
  const handler = {
    type: 'account.DebitAccount.v1',
    calls: 0,
    async handle(tx: TestTx, envelope: Envelope<DebitPayload>) {
      handler.calls += 1;
      if (handler.calls <= (options.failTimes ?? 0)) throw options.failWith?.() ?? new Error(`handler failure number ${handler.calls}`);
      await tx.insert(schema.ledger).values({ messageId: envelope.id, orderId: envelope.payload.orderId, amount: envelope.payload.amount });
    },
  };
  return handler;
};

/** A handler whose query PostgreSQL refuses for its data (e.g. `select 'x'::integer`, 22P02): it can never succeed. */
export const refusedDataHandler = (query: string): MessageHandler<TestTx, DebitPayload> & { calls: number } => {
  const handler = {
    type: 'account.DebitAccount.v1',
    calls: 0,
    async handle(tx: TestTx) {
      handler.calls += 1;
      await tx.execute(sql.raw(query));
    },
  };
  return handler;
};

export interface ConsumerOptions {
  service?: string;
  handlers?: MessageHandler<TestTx>[];
  maxAttempts?: number;
  logger?: Logger;
  metrics?: ServiceMetrics;
}

export const createTestConsumer = (handle: TestDatabaseHandle, options: ConsumerOptions = {}): MessageConsumer => {
  const { db } = handle.database;
  return createMessageConsumer<TestTx>({
    service: options.service ?? 'account',
    runInTransaction: (work) => db.transaction(work),
    db,
    handlers: options.handlers ?? [ledgerHandler()],
    logger: options.logger ?? silentLogger(),
    metrics: options.metrics ?? createMetrics(options.service ?? 'account'),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
};

/**
 * `sender`'s signer with its test key from @ordering/testing: for a transport under test, and for the messages a test
 * pushes or publishes itself (`testSignerOf().headersFor(body)`). Every command the builders make comes from the orchestrator.
 */
export const testSignerOf = (sender = 'orchestrator'): MessageSigner => createMessageSigner(sender, testSigningKeyOf(sender));

export interface RunningService {
  app: HttpServer;
  url: string;
  consumer: MessageConsumer;
  deadLetters: DeadLetterStore;
  close(): Promise<void>;
}

/**
 * A real HTTP server (platform's kit + the message routes) listening on 127.0.0.1. `port` 0 picks a free one;
 * a given port lets a test bring a "crashed" receiver back at the address the sender already knows.
 */
export const startService = async (
  handle: TestDatabaseHandle,
  options: ConsumerOptions & {
    port?: number;
    relay?: Pick<OutboxRelay, 'wake'>;
    /** Set: the operator routes require it. Unset: they are open, as in development mode. */
    operatorToken?: string;
    /** Authenticates each push. Default: every service's test public key, nothing unsigned. */
    intake?: MessageVerifier;
  } = {},
): Promise<RunningService> => {
  const service = options.service ?? 'account';
  const logger = options.logger ?? silentLogger();
  const metrics = options.metrics ?? createMetrics(service);
  const consumer = createTestConsumer(handle, { ...options, service, logger, metrics });
  const deadLetters = createDeadLetterStore(handle.database.db, service);
  const app = await createHttpServer({ service, logger, metrics, readiness: [], openapi: { title: service, description: 'test' } });
  registerMessageRoutes(app, {
    service,
    consumer,
    deadLetters,
    intake: options.intake ?? createMessageVerifier({ publicKeys: testPublicKeys() }),
    operatorToken: options.operatorToken,
    ...(options.relay ? { relay: options.relay } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, consumer, deadLetters, close: () => app.close() };
};

/** An in-memory transport that records every delivery; optionally slow, to make batches overlap. */
export const recordingTransport = (
  options: { delayMs?: number; fail?: (envelope: Envelope) => boolean } = {},
): Transport & { delivered: Envelope[] } => {
  const delivered: Envelope[] = [];
  return {
    delivered,
    async publish(envelope) {
      if (options.delayMs) await sleep(options.delayMs);
      if (options.fail?.(envelope)) throw new Error('recording transport refused the message');
      delivered.push(envelope);
    },
    async close() {},
  };
};

/** Counts publish calls of the wrapped transport. */
export const countingTransport = (inner: Transport): Transport & { calls: number } => {
  const counting = {
    calls: 0,
    async publish(envelope: Envelope) {
      counting.calls += 1;
      await inner.publish(envelope);
    },
    close: () => inner.close(),
  };
  return counting;
};

/** A metric's samples matching `labels`, summed; `sample` picks a histogram's `count` or `sum`. Gauges are read as a scrape would. */
export const metricValue = async (
  metrics: ServiceMetrics,
  name: string,
  labels: Record<string, string> = {},
  sample?: 'count' | 'sum',
): Promise<number> => {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name} is registered`);
  const wanted = sample ? `${name}_${sample}` : name;
  return (await metric.get()).values
    .filter((value) => ((value as { metricName?: string }).metricName ?? name) === wanted)
    .filter((value) =>
      Object.entries(labels).every(([key, expected]) => String((value.labels as Record<string, unknown>)[key]) === expected),
    )
    .reduce((sum, value) => sum + value.value, 0);
};

/** Polls until `check` holds; fails with the last observed value. Waits for an outcome, asserts nothing about time. */
export const eventually = async <T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await sleep(25);
  }
};

export interface OutboxRowState {
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  sentAt: Date | null;
}

export const outboxRowsOf = async (handle: TestDatabaseHandle): Promise<OutboxRowState[]> => {
  const result = await handle.database.pool.query<OutboxRowState>(
    'select status, attempts, next_attempt_at as "nextAttemptAt", last_error as "lastError", sent_at as "sentAt" from outbox_messages order by created_at, id',
  );
  return result.rows;
};

export const statusCounts = async (handle: TestDatabaseHandle): Promise<Record<string, number>> => {
  const result = await handle.database.pool.query<{ status: string; count: string }>(
    'select status, count(*) from outbox_messages group by status',
  );
  return Object.fromEntries(result.rows.map((row) => [row.status, Number(row.count)]));
};

/** The same database, counting how often the relay opens a transaction (one per claim attempt). */
/** Counts the relay's claims: each is one statement (`execute`) or, in a fixture that uses one, one transaction. */
export const countingDatabase = (db: Database<TestSchema>['db']): RelayDatabase & { claims: number } => {
  const counting = {
    claims: 0,
    insert: db.insert.bind(db),
    select: db.select.bind(db),
    update: db.update.bind(db),
    delete: db.delete.bind(db),
    execute: ((...args: Parameters<typeof db.execute>) => {
      counting.claims += 1;
      return db.execute(...args);
    }) as typeof db.execute,
    transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      counting.claims += 1;
      return db.transaction(work);
    },
  };
  return counting as unknown as RelayDatabase & { claims: number };
};
