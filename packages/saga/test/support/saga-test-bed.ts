import { Writable } from 'node:stream';
import type { Envelope } from '@ordering/contracts';
import { MESSAGING_MIGRATIONS } from '@ordering/messaging';
import { afterEach, beforeEach } from 'vitest';
import {
  connectDatabase,
  createLogger,
  createMetrics,
  runMigrations,
  type Database,
  type Logger,
  type ServiceMetrics,
} from '@ordering/platform';
import { createTestDatabase, type TestDatabase } from '@ordering/testing';
import { createSagaEngine, type SagaEngine, type SagaEngineOptions } from '../../src/index.js';
import { SAGA_MIGRATIONS } from '../../src/saga-migrations.js';
import * as schema from '../fixtures/schema.js';
import { createSimulatedParticipants, type SimulatedParticipants } from './simulated-participants.js';
import { TEST_SAGAS } from './test-sagas.js';

export type TestDatabaseConnection = Database<typeof schema>;

/** Time moves only when a test says so: deadlines are decided by the engine's clock, never by sleeping. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export const createTestClock = (start = new Date('2030-01-01T00:00:00.000Z')): TestClock => {
  let current = start.getTime();
  return { now: () => new Date(current), advance: (ms) => void (current += ms) };
};

export const STEP_TIMEOUT_MS = 1_000;
export const RETRY_BACKOFF_MS = 4_000;
export const MAX_FORWARD_ATTEMPTS = 3;

export interface StoredStep {
  name: string;
  status: string;
  attempts: number;
  compensationAttempts: number;
}

export interface StoredSaga {
  status: string;
  reason: string | null;
  currentStep: number;
  stepAttempt: number;
  version: number;
  data: Record<string, unknown>;
  deadlineAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
  steps: StoredStep[];
}

export interface SagaOutcome {
  status: string;
  reason: string | null;
  data: Record<string, unknown>;
  steps: StoredStep[];
  /** Types of the commands in the outbox, in the order they were written. */
  sent: string[];
}

export interface SagaTestBed {
  database: TestDatabaseConnection;
  clock: TestClock;
  metrics: ServiceMetrics;
  participants: SimulatedParticipants;
  /** Log lines written by every engine of this bed, parsed. */
  logLines: Record<string, unknown>[];
  /** The logger every engine of this bed writes to (captured in logLines). */
  newLogger(): Logger;
  /** A brand-new engine over the same database, clock and registry: nothing in memory carries over. */
  newEngine(overrides?: Partial<SagaEngineOptions>): SagaEngine;
  /** Another pool on the same database, like a second orchestrator replica. */
  connectReplica(): TestDatabaseConnection;
  /** Read with plain SQL, so assertions do not trust the code under test. */
  readSaga(sagaId: string): Promise<StoredSaga>;
  outboxOf(sagaId: string): Promise<Envelope[]>;
  commandsOf(sagaId: string): Promise<{ messageId: string; stepIndex: number; direction: string; attempt: number }[]>;
  /** Sum of the samples matching the labels; `sample` picks a histogram's `count` or `sum`. */
  /** What a run produced, without ids and times: two runs of one scenario must give equal outcomes. */
  outcomeOf(sagaId: string): Promise<SagaOutcome>;
  metricValue(name: string, labels?: Record<string, string>, sample?: 'count' | 'sum'): Promise<number>;
  /** Statements the bed's own pool (`database`) has sent so far, BEGIN and COMMIT included: its round trips. */
  statementsSent(): Promise<number>;
  close(): Promise<void>;
}

const capturingLogger = (lines: Record<string, unknown>[]): Logger =>
  createLogger({
    service: 'orchestrator',
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  });

const connect = (url: string, logger: Logger, metrics?: ServiceMetrics): TestDatabaseConnection =>
  connectDatabase({ url, schema, logger, maxConnections: 10, applicationName: 'saga-test', ...(metrics ? { metrics } : {}) });

/** A fresh migrated database (saga tables + outbox), a controllable clock and simulated participants. */
export const createSagaTestBed = async (): Promise<SagaTestBed> => {
  const testDatabase: TestDatabase = await createTestDatabase();
  const logLines: Record<string, unknown>[] = [];
  const logger = capturingLogger(logLines);
  const metrics = createMetrics('orchestrator');
  const database = connect(testDatabase.url, logger, metrics);
  await runMigrations(database.pool, [MESSAGING_MIGRATIONS, SAGA_MIGRATIONS], createLogger({ service: 'saga-test', level: 'silent' }));
  const clock = createTestClock();
  const replicas: TestDatabaseConnection[] = [];

  const sagaRow = async (sagaId: string) => {
    const result = await database.pool.query(
      `select status, reason, current_step as "currentStep", step_attempt as "stepAttempt", version, data,
              deadline_at as "deadlineAt", created_at as "createdAt", finished_at as "finishedAt"
         from sagas where id = $1`,
      [sagaId],
    );
    if (result.rows.length !== 1) throw new Error(`no saga ${sagaId}`);
    return result.rows[0] as Omit<StoredSaga, 'steps'>;
  };

  const readSaga = async (sagaId: string): Promise<StoredSaga> => {
    const saga = await sagaRow(sagaId);
    const steps = await database.pool.query<StoredStep>(
      `select name, status, attempts, compensation_attempts as "compensationAttempts"
         from saga_steps where saga_id = $1 order by step_index`,
      [sagaId],
    );
    return { ...saga, steps: steps.rows };
  };

  const outboxOf = async (sagaId: string): Promise<Envelope[]> => {
    const result = await database.pool.query<{ envelope: Envelope }>(
      `select envelope from outbox_messages where envelope->>'correlationId' = $1 order by created_at, envelope->>'occurredAt'`,
      [sagaId],
    );
    return result.rows.map((row) => row.envelope);
  };

  return {
    database,
    clock,
    metrics,
    logLines,
    newLogger: () => logger,
    participants: createSimulatedParticipants(database.db),
    newEngine: (overrides = {}) =>
      createSagaEngine({
        definitions: TEST_SAGAS,
        service: 'orchestrator',
        logger,
        metrics,
        stepTimeoutMs: STEP_TIMEOUT_MS,
        retryBackoffMs: RETRY_BACKOFF_MS,
        maxForwardAttempts: MAX_FORWARD_ATTEMPTS,
        now: clock.now,
        ...overrides,
      }),
    connectReplica() {
      const replica = connect(testDatabase.url, logger);
      replicas.push(replica);
      return replica;
    },
    readSaga,
    outboxOf,
    async outcomeOf(sagaId) {
      const saga = await readSaga(sagaId);
      const sent = (await outboxOf(sagaId)).map((envelope) => envelope.type);
      return { status: saga.status, reason: saga.reason, data: saga.data, steps: saga.steps, sent };
    },
    async commandsOf(sagaId) {
      const result = await database.pool.query(
        `select message_id as "messageId", step_index as "stepIndex", direction, attempt from saga_commands where saga_id = $1 order by sent_at, attempt`,
        [sagaId],
      );
      return result.rows as { messageId: string; stepIndex: number; direction: string; attempt: number }[];
    },
    async metricValue(name, labels = {}, sample) {
      const metric = await metrics.registry.getSingleMetric(name)?.get();
      const wanted = sample ? `${name}_${sample}` : name;
      const matches = (metric?.values ?? []).filter((value) => {
        const metricName = (value as { metricName?: string }).metricName;
        return metricName === undefined || metricName === wanted;
      });
      return matches
        .filter((value) =>
          Object.entries(labels).every(([key, expected]) => String((value.labels as Record<string, unknown>)[key]) === expected),
        )
        .reduce((sum, value) => sum + value.value, 0);
    },
    async statementsSent() {
      const metric = await metrics.registry.getSingleMetric('db_client_queries_total')?.get();
      return metric?.values[0]?.value ?? 0;
    },
    async close() {
      for (const replica of replicas) await replica.close();
      await database.close();
      await testDatabase.drop();
    },
  };
};

/**
 * A fresh bed for every test of the file, closed after it: `const bed = useSagaTestBed();` at the top of a file.
 * The returned handle always reaches the current test's bed, so each test still starts from an empty database.
 */
export const useSagaTestBed = (): SagaTestBed => {
  let current: SagaTestBed | undefined;
  beforeEach(async () => {
    current = await createSagaTestBed();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as SagaTestBed, {
    get(_handle, property) {
      if (!current) throw new Error('the saga test bed exists only while a test runs');
      return Reflect.get(current, property);
    },
  });
};
