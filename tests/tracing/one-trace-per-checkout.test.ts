import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createMessaging, type Messaging } from '@ordering/messaging';
import {
  createJwksTokenVerifier,
  createLogger,
  createMetrics,
  instrumentPostgres,
  runMigrations,
  startTracing,
  type HttpServer,
} from '@ordering/platform';
import { createSagaEngine, createSagaSweeper, type SagaSweeper } from '@ordering/saga';
import { createTestDatabase, findFreePort, testMessageSecurity, type TestDatabase } from '@ordering/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp as buildAccountApp } from '../../services/account/src/app.js';
import { connectAccountDatabase } from '../../services/account/src/db/account-database.js';
import { SERVICE_MIGRATIONS as ACCOUNT_MIGRATIONS } from '../../services/account/src/db/migrations.js';
import { createAccountMessageHandlers } from '../../services/account/src/messages/account-message-handlers.js';
import { buildApp as buildCustomerApp } from '../../services/customer/src/app.js';
import { connectCustomerDatabase } from '../../services/customer/src/db/customer-database.js';
import { SERVICE_MIGRATIONS as CUSTOMER_MIGRATIONS } from '../../services/customer/src/db/migrations.js';
import { createPasswordHasher } from '../../services/customer/src/security/password-hashing.js';
import { createLocalTokenVerifier, createTokenSigner } from '../../services/customer/src/security/token-signer.js';
import { ensureSigningKeys } from '../../services/customer/src/use-cases/ensure-signing-keys.js';
import { buildApp as buildGatewayApp } from '../../services/gateway/src/app.js';
import { buildApp as buildOrchestratorApp } from '../../services/orchestrator/src/app.js';
import { SERVICE_MIGRATIONS as ORCHESTRATOR_MIGRATIONS } from '../../services/orchestrator/src/db/migrations.js';
import { connectOrchestratorDatabase } from '../../services/orchestrator/src/db/orchestrator-database.js';
import { SAGA_DEFINITIONS } from '../../services/orchestrator/src/domain/saga-definitions.js';
import { buildApp as buildOrderApp } from '../../services/order/src/app.js';
import { connectOrderDatabase } from '../../services/order/src/db/order-database.js';
import { SERVICE_MIGRATIONS as ORDER_MIGRATIONS } from '../../services/order/src/db/migrations.js';
import { createOrderMessageHandlers } from '../../services/order/src/messages/order-message-handlers.js';

/**
 * The whole system in one process under one tracer provider: customer, order, account and orchestrator with their
 * real messaging over HTTP, and the gateway in front. Spans tell their service by the `ordering.service` attribute.
 */

const exporter = new InMemorySpanExporter();
const tracing = startTracing({ service: 'ordering-system-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
instrumentPostgres();

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';

type ServiceName = 'customer' | 'order' | 'account' | 'orchestrator' | 'gateway';

interface Running {
  app: HttpServer;
  stop(): Promise<void>;
}

const running: Running[] = [];
const databases: TestDatabase[] = [];
let gatewayUrl = '';

const logger = (service: ServiceName) => createLogger({ service, level: 'silent' });
const urlOf = (port: number): string => `http://127.0.0.1:${port}`;

const freshDatabase = async (): Promise<string> => {
  const database = await createTestDatabase();
  databases.push(database);
  return database.url;
};

/** Listens at the port the peers were told about; stops HTTP first, then messaging and the rest, then the pool. */
const listen = async (app: HttpServer, port: number, stopAfterHttp: Array<() => Promise<unknown>>): Promise<void> => {
  await app.listen({ host: '127.0.0.1', port });
  running.push({
    app,
    async stop() {
      await app.close();
      for (const stop of stopAfterHttp) await stop();
    },
  });
};

const startSystem = async (): Promise<void> => {
  const [customerPort, orderPort, accountPort, orchestratorPort, gatewayPort] = (await Promise.all(
    Array.from({ length: 5 }, () => findFreePort()),
  )) as [number, number, number, number, number];
  const jwksUrl = `${urlOf(customerPort)}/.well-known/jwks.json`;
  const relay = { pollIntervalMs: 100 };
  const started: Messaging[] = [];
  const sweepers: SagaSweeper[] = [];

  {
    const log = logger('customer');
    const metrics = createMetrics('customer');
    const database = connectCustomerDatabase(await freshDatabase(), 5, log);
    await runMigrations(database.pool, CUSTOMER_MIGRATIONS, log);
    const messaging = createMessaging({
      service: 'customer',
      database,
      peers: { account: [urlOf(accountPort)] },
      handlers: [],
      logger: log,
      metrics,
      relay,
      security: testMessageSecurity('customer'),
    });
    const tokenSigner = await createTokenSigner(await ensureSigningKeys(database), 3600);
    const app = await buildCustomerApp({
      logger: log,
      metrics,
      database,
      verifier: createLocalTokenVerifier(tokenSigner.jwks),
      tokenSigner,
      messaging,
      passwordHasher: createPasswordHasher({ costLog2: 10, concurrency: 2, queueLimit: 100 }),
      clock: () => new Date(),
      trustedProxies: ['127.0.0.1', '::1'],
    });
    await listen(app, customerPort, [() => messaging.stop(), () => database.close()]);
    started.push(messaging);
  }
  {
    const log = logger('order');
    const metrics = createMetrics('order');
    const database = connectOrderDatabase(await freshDatabase(), 5, log);
    await runMigrations(database.pool, ORDER_MIGRATIONS, log);
    const messaging = createMessaging({
      service: 'order',
      database,
      peers: { orchestrator: [urlOf(orchestratorPort)] },
      handlers: createOrderMessageHandlers({ logger: log }),
      logger: log,
      metrics,
      relay,
      security: testMessageSecurity('order'),
    });
    const app = await buildOrderApp({ logger: log, metrics, database, verifier: createJwksTokenVerifier(jwksUrl), messaging });
    await listen(app, orderPort, [() => messaging.stop(), () => database.close()]);
    started.push(messaging);
  }
  {
    const log = logger('account');
    const metrics = createMetrics('account');
    const database = connectAccountDatabase(await freshDatabase(), 5, log);
    await runMigrations(database.pool, ACCOUNT_MIGRATIONS, log);
    const messaging = createMessaging({
      service: 'account',
      database,
      peers: { orchestrator: [urlOf(orchestratorPort)] },
      handlers: createAccountMessageHandlers({ logger: log }),
      logger: log,
      metrics,
      relay,
      security: testMessageSecurity('account'),
    });
    const app = await buildAccountApp({ logger: log, metrics, database, verifier: createJwksTokenVerifier(jwksUrl), messaging });
    await listen(app, accountPort, [() => messaging.stop(), () => database.close()]);
    started.push(messaging);
  }
  {
    // As services/orchestrator/src/main.ts wires it: the engine's reply handlers behind the consumer, and the sweeper.
    const log = logger('orchestrator');
    const metrics = createMetrics('orchestrator');
    const database = connectOrchestratorDatabase(await freshDatabase(), 5, log);
    await runMigrations(database.pool, ORCHESTRATOR_MIGRATIONS, log);
    const engine = createSagaEngine({ definitions: SAGA_DEFINITIONS, service: 'orchestrator', logger: log, metrics });
    const messaging = createMessaging({
      service: 'orchestrator',
      database,
      peers: { order: [urlOf(orderPort)], account: [urlOf(accountPort)] },
      handlers: engine.replyHandlers(),
      logger: log,
      metrics,
      relay,
      security: testMessageSecurity('orchestrator'),
    });
    const sweeper = createSagaSweeper({ engine, db: database.db, logger: log });
    const app = await buildOrchestratorApp({
      logger: log,
      metrics,
      database,
      verifier: createJwksTokenVerifier(jwksUrl),
      engine,
      messaging,
    });
    await listen(app, orchestratorPort, [() => sweeper.stop(), () => messaging.stop(), () => database.close()]);
    started.push(messaging);
    sweepers.push(sweeper);
  }
  {
    const upstreams = {
      customer: [urlOf(customerPort)],
      order: [urlOf(orderPort)],
      account: [urlOf(accountPort)],
      orchestrator: [urlOf(orchestratorPort)],
    };
    const app = await buildGatewayApp({
      logger: logger('gateway'),
      metrics: createMetrics('gateway'),
      verifier: createJwksTokenVerifier(jwksUrl),
      config: { upstreams, rateLimit: { max: 10_000, windowSeconds: 10 }, upstreamTimeoutMs: 35_000 },
    });
    await listen(app, gatewayPort, []);
    gatewayUrl = urlOf(gatewayPort);
  }
  for (const messaging of started) messaging.start();
  for (const sweeper of sweepers) sweeper.start();
};

beforeAll(startSystem);

afterAll(async () => {
  // The gateway was started last: stop it first, then the services behind it.
  for (const service of running.reverse()) await service.stop();
  for (const database of databases) await database.drop();
  await tracing.shutdown();
});

const call = async <T>(
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> => {
  const response = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
};

const serviceOf = (span: ReadableSpan): unknown => span.attributes['ordering.service'];
const inTrace = (): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === TRACE_ID);
/**
 * A message span is named `<operation> <destination>` (the messaging conventions), so several share a name: the
 * table below names them `<operation> <message type>` instead, the one that says which message it was.
 */
const labelOf = (span: ReadableSpan): string =>
  span.kind === SpanKind.PRODUCER || span.kind === SpanKind.CONSUMER
    ? `${String(span.attributes['messaging.operation.name'])} ${String(span.attributes['ordering.message.type'])}`
    : span.name;
const find = (spans: ReadableSpan[], service: ServiceName, name: string, kind: SpanKind): ReadableSpan | undefined =>
  spans.find((span) => serviceOf(span) === service && labelOf(span) === name && span.kind === kind);

/** Spans end a little after the response that depends on them (e.g. the delivery of the last reply): wait for them. */
const waitForSpans = async (expected: Array<[ServiceName, string, SpanKind]>, timeoutMs = 10_000): Promise<ReadableSpan[]> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = inTrace();
    const missing = expected.filter(([service, name, kind]) => !find(spans, service, name, kind));
    if (missing.length === 0) return spans;
    if (Date.now() > deadline)
      throw new Error(`spans missing from trace ${TRACE_ID}: ${missing.map(([service, name]) => `${service}: ${name}`).join(', ')}`);
    await sleep(50);
  }
};

describe('tracing across the system', () => {
  it('when a checkout comes in with a traceparent, then the gateway, the orchestrator, and every participant and reply join that one trace', async () => {
    const email = `trace-${Date.now()}@example.com`;
    const password = 'correct horse battery';
    expect((await call('POST', '/api/customers', { body: { name: 'Trace Tester', email, password } })).status).toBe(201);
    const login = await call<{ accessToken: string }>('POST', '/api/auth/token', { body: { email, password } });
    expect(login.status).toBe(200);
    const token = login.body.accessToken;
    expect((await call('POST', '/api/accounts/me/deposits', { token, body: { amount: 100_000 } })).status).toBe(201);
    const menu = await call<{ items: Array<{ id: string; price: number }> }>('GET', '/api/menu');
    const item = menu.body.items[0];
    expect(item).toBeDefined();

    const checkout = await call<{ status: string; reason?: string }>('POST', '/api/checkout?wait=30', {
      token,
      body: { items: [{ menuItemId: item?.id, quantity: 1 }] },
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` },
    });

    expect(checkout.status).toBe(200);
    expect(checkout.body.status).toBe('COMPLETED');
    const spans = await waitForSpans([
      ['gateway', 'POST /api/checkout', SpanKind.SERVER],
      ['orchestrator', 'POST /api/checkout', SpanKind.SERVER],
      ['orchestrator', 'send order.CreatePendingOrder.v1', SpanKind.PRODUCER],
      ['order', 'process order.CreatePendingOrder.v1', SpanKind.CONSUMER],
      ['orchestrator', 'process order.CreatePendingOrderReply.v1', SpanKind.CONSUMER],
      ['account', 'process account.DebitAccount.v1', SpanKind.CONSUMER],
      ['orchestrator', 'process account.DebitAccountReply.v1', SpanKind.CONSUMER],
      ['order', 'process order.ApproveOrder.v1', SpanKind.CONSUMER],
      ['orchestrator', 'process order.ApproveOrderReply.v1', SpanKind.CONSUMER],
    ]);

    const gateway = find(spans, 'gateway', 'POST /api/checkout', SpanKind.SERVER);
    const orchestrator = find(spans, 'orchestrator', 'POST /api/checkout', SpanKind.SERVER);
    const firstSend = find(spans, 'orchestrator', 'send order.CreatePendingOrder.v1', SpanKind.PRODUCER);
    const createOrder = find(spans, 'order', 'process order.CreatePendingOrder.v1', SpanKind.CONSUMER);
    const firstReply = find(spans, 'orchestrator', 'process order.CreatePendingOrderReply.v1', SpanKind.CONSUMER);
    expect([firstSend?.name, createOrder?.name, firstReply?.name]).toEqual(['send order', 'process order', 'process orchestrator']);
    // The chain of parents: caller -> gateway -> orchestrator -> its first command -> the order service's work -> its reply.
    expect(gateway?.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(orchestrator?.parentSpanContext?.spanId).toBe(gateway?.spanContext().spanId);
    expect(firstSend?.parentSpanContext?.spanId).toBe(orchestrator?.spanContext().spanId);
    expect(createOrder?.parentSpanContext?.spanId).toBe(orchestrator?.spanContext().spanId);
    expect(firstReply?.parentSpanContext?.spanId).toBe(createOrder?.spanContext().spanId);
    // Every service that took part left spans in the trace, and every message was processed once.
    expect(new Set(spans.map(serviceOf))).toEqual(new Set(['gateway', 'orchestrator', 'order', 'account', undefined]));
    const processed = spans.filter((span) => span.kind === SpanKind.CONSUMER).map((span) => span.attributes['ordering.message.outcome']);
    expect(processed.every((outcome) => outcome === 'processed')).toBe(true);
    // The customer's earlier requests (registration, login, deposit) are traces of their own.
    expect(spans.some((span) => serviceOf(span) === 'customer')).toBe(false);
  });
});
