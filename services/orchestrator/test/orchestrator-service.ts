import type { LightMyRequestResponse } from 'fastify';
import { contractOf, type Envelope } from '@ordering/contracts';
import { createMessaging, createReply, outboxMessages, type Messaging } from '@ordering/messaging';
import { createLogger, createMetrics, runMigrations, type HttpServer } from '@ordering/platform';
import { createSagaEngine, type SagaEngine } from '@ordering/saga';
import { createTestDatabase, createTestTokens, testMessageSecurity, type TestTokens } from '@ordering/testing';
import { and, asc, eq } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { SERVICE_MIGRATIONS } from '../src/db/migrations.js';
import { connectOrchestratorDatabase, type OrchestratorDatabase } from '../src/db/orchestrator-database.js';
import { SAGA_DEFINITIONS } from '../src/domain/saga-definitions.js';

export interface OrchestratorUnderTest {
  app: HttpServer;
  database: OrchestratorDatabase;
  engine: SagaEngine;
  messaging: Messaging;
  tokens: TestTokens;
  /** Answers the oldest pending command sent to `participant`, as that participant would. */
  reply(participant: 'order' | 'account', payload: (command: Envelope) => Record<string, unknown>): Promise<Envelope>;
  /** A GET of the API with the given bearer token. */
  get(url: string, token: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The real orchestrator (routes, engine, consumer) on a fresh database; participants are played by the test. */
export const startOrchestrator = async (options: { tracingUiUrl?: string } = {}): Promise<OrchestratorUnderTest> => {
  const testDatabase = await createTestDatabase();
  const logger = createLogger({ service: 'orchestrator', level: 'silent' });
  const metrics = createMetrics('orchestrator');
  const database = connectOrchestratorDatabase(testDatabase.url, 5, logger);
  await runMigrations(database.pool, SERVICE_MIGRATIONS, logger);
  const engine = createSagaEngine({ definitions: SAGA_DEFINITIONS, service: 'orchestrator', logger, metrics });
  // The relay is never started: commands stay in the outbox, where the test reads and answers them.
  const messaging = createMessaging({
    service: 'orchestrator',
    database,
    peers: { order: ['http://127.0.0.1:9'], account: ['http://127.0.0.1:9'] },
    handlers: engine.replyHandlers(),
    logger,
    metrics,
    security: testMessageSecurity('orchestrator'),
  });
  const tokens = await createTestTokens();
  const app = await buildApp({ logger, metrics, database, verifier: tokens.verifier, engine, messaging, ...options });

  const reply: OrchestratorUnderTest['reply'] = async (participant, payload) => {
    const [row] = await database.db
      .select()
      .from(outboxMessages)
      .where(and(eq(outboxMessages.destination, participant), eq(outboxMessages.status, 'PENDING')))
      .orderBy(asc(outboxMessages.createdAt))
      .limit(1);
    if (!row) throw new Error(`no pending command for ${participant}`);
    await database.db.update(outboxMessages).set({ status: 'SENT', sentAt: new Date() }).where(eq(outboxMessages.id, row.id));
    const command = row.envelope as Envelope;
    const replyType = contractOf(command.type)?.replyType ?? '';
    const envelope = createReply(command, { type: replyType, source: participant, payload: payload(command) });
    const result = await messaging.consumer.consume(envelope);
    if (result.outcome !== 'processed') throw new Error(`reply ${replyType} was ${result.outcome}: ${result.error ?? ''}`);
    return command;
  };

  return {
    app,
    database,
    engine,
    messaging,
    tokens,
    reply,
    get: (url, token) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } }),
    async close() {
      await app.close();
      await messaging.stop();
      await database.close();
      await testDatabase.drop();
    },
  };
};

const orderIdOf = (command: Envelope): string => String((command.payload as { orderId: string }).orderId);

export const succeeded =
  (extra: Record<string, unknown> = {}) =>
  (command: Envelope) => ({ orderId: orderIdOf(command), outcome: 'SUCCEEDED', ...extra });
export const failed = (reason: string) => (command: Envelope) => ({ orderId: orderIdOf(command), outcome: 'FAILED', reason });
