import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { MessageTypes, type Envelope } from '@ordering/contracts';
import {
  createDeadLetterStore,
  createEnvelope,
  createMessageConsumer,
  createMessageSigner,
  createMessageVerifier,
  MESSAGING_MIGRATIONS,
  registerMessageRoutes,
  type MessageHandler,
} from '@ordering/messaging';
import {
  connectDatabase,
  createHttpServer,
  createLogger,
  createMetrics,
  runMigrations,
  type Database,
  type HttpServer,
  type Transaction,
} from '@ordering/platform';
import { createTestDatabase, testPublicKeys, testSigningKeyOf, type TestDatabase } from '@ordering/testing';
import { runDlq, type DlqEnvironment } from '../src/index.js';
import * as schema from './fixtures/schema.js';

type Tx = Transaction<typeof schema>;

/** Records what it was given; its effect is the inbox row the consumer writes in the same transaction. */
export const recordingHandler = (type: string): MessageHandler<Tx> & { handled: Envelope[] } => {
  const handled: Envelope[] = [];
  return { type, handled, handle: async (_tx, envelope) => void handled.push(envelope) };
};

export interface ServiceSurface {
  name: string;
  url: string;
  app: HttpServer;
}

export interface ServiceSurfaces {
  services: Record<string, ServiceSurface>;
  /** The account service's DebitAccount handler. */
  debits: ReturnType<typeof recordingHandler>;
  urls: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * What a running service exposes to the CLI: the platform's HTTP server with the real message routes, a real
 * inbox consumer and the dead-letter store, on a fresh database of the test PostgreSQL. Several services share
 * that database here; each sees only its own dead letters, as in production.
 */
export const startServiceSurfaces = async (
  names: readonly string[],
  options: { operatorToken?: string } = {},
): Promise<ServiceSurfaces> => {
  const testDatabase: TestDatabase = await createTestDatabase();
  const logger = createLogger({ service: 'dlq-test', level: 'silent' });
  const database: Database<typeof schema> = connectDatabase({
    url: testDatabase.url,
    schema,
    logger,
    maxConnections: 5,
    applicationName: 'dlq-test',
  });
  await runMigrations(database.pool, [MESSAGING_MIGRATIONS], logger);
  const debits = recordingHandler(MessageTypes.DebitAccount);
  const services: Record<string, ServiceSurface> = {};
  for (const name of names) {
    const metrics = createMetrics(name);
    const consumer = createMessageConsumer<Tx>({
      service: name,
      runInTransaction: (work) => database.db.transaction(work),
      db: database.db,
      handlers: name === 'account' ? [debits] : [],
      logger,
      metrics,
    });
    const app = await createHttpServer({ service: name, logger, metrics, readiness: [], openapi: { title: name, description: 'test' } });
    registerMessageRoutes(app, {
      service: name,
      consumer,
      deadLetters: createDeadLetterStore(database.db, name),
      intake: createMessageVerifier({ publicKeys: testPublicKeys() }),
      operatorToken: options.operatorToken,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    services[name] = { name, app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
  }
  return {
    services,
    debits,
    urls: Object.fromEntries(Object.values(services).map((service) => [service.name, service.url])),
    async stop() {
      for (const service of Object.values(services)) await service.app.close();
      await database.close();
      await testDatabase.drop();
    },
  };
};

const orchestrator = createMessageSigner('orchestrator', testSigningKeyOf('orchestrator'));

/** Posts a body to a service's message intake, signed as the orchestrator's relay would sign it; returns the outcome. */
export const deliver = async (service: ServiceSurface, body: string): Promise<string> => {
  const headers = { 'content-type': 'application/json', ...orchestrator.headersFor(body) };
  const response = await fetch(`${service.url}/internal/messages`, { method: 'POST', headers, body });
  return ((await response.json()) as { outcome: string }).outcome;
};

export const aDebitCommand = (amount = 1_200): Envelope =>
  createEnvelope({
    type: MessageTypes.DebitAccount,
    source: 'orchestrator',
    destination: 'account',
    correlationId: randomUUID(),
    payload: { customerId: randomUUID(), orderId: randomUUID(), amount },
  });

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in-process, as `npm run dlq -- <argv>` would run it; `stdin` feeds `--message -`. */
export const cli = async (argv: string[], env: Partial<DlqEnvironment> = {}, stdin = ''): Promise<CliRun> => {
  let stdout = '';
  let stderr = '';
  const input = new PassThrough();
  input.end(stdin);
  const code = await runDlq(
    argv,
    { serviceUrls: {}, dataDir: await emptyDataDir(), ...env },
    {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      stdin: () => input,
    },
  );
  return { code, stdout, stderr };
};

/** A DATA_DIR without launcher state, so a test never picks up a developer's running `npm start`. */
export const emptyDataDir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'dlq-test-'));
