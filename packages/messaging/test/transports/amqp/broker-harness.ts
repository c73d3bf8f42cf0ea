import { randomUUID } from 'node:crypto';
import { createServer, connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { connectDatabase, createMetrics, type Database, type Logger, type ServiceMetrics } from '@ordering/platform';
import { testMessageSecurity } from '@ordering/testing';
import { afterAll, beforeAll } from 'vitest';
import { connect, type Channel, type ChannelModel, type GetMessage, type Options } from 'amqplib';
import {
  createAmqpTransport,
  createMessaging,
  declareTopology,
  deleteTopology,
  type MessageHandler,
  type Messaging,
  type Transport,
} from '../../../src/index.js';
import * as schema from '../../fixtures/schema.js';
import {
  eventually,
  ledgerHandler,
  silentLogger,
  testSignerOf,
  type TestDatabaseHandle,
  type TestSchema,
  type TestTx,
} from '../../messaging-harness.js';

/** Set by CI's second pass (and by hand): amqp://guest:guest@127.0.0.1:5672. The AMQP suites skip without it. */
export const TEST_BROKER_URL = process.env.TEST_BROKER_URL ?? '';

/** Each test file gets its own exchanges and queues, so files run in parallel and leave nothing behind. */
export const randomNamespace = (): string => `test-${randomUUID().slice(0, 8)}`;

export interface AdminChannel {
  connection: ChannelModel;
  channel: Channel;
  close(): Promise<void>;
}

/** A plain channel for the test itself: publish garbage straight to a queue, read DLQs, delete the topology. */
export const openAdminChannel = async (url = TEST_BROKER_URL): Promise<AdminChannel> => {
  const connection = await connect(url);
  connection.on('error', () => {});
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  return {
    connection,
    channel,
    async close() {
      await connection.close().catch(() => undefined);
    },
  };
};

/**
 * Runs `work` on a throwaway channel and reports the broker's refusal, if any: a passive check or an
 * incompatible re-declaration closes the channel, which must not take the test's admin channel with it.
 */
export const brokerRefusal = async (admin: AdminChannel, work: (channel: Channel) => Promise<unknown>): Promise<string | undefined> => {
  const channel = await admin.connection.createChannel();
  channel.on('error', () => {});
  try {
    await work(channel);
    await channel.close();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

export const deleteTestTopology = async (namespace: string, url = TEST_BROKER_URL): Promise<void> => {
  const admin = await openAdminChannel(url);
  try {
    await deleteTopology(admin.channel, namespace);
  } finally {
    await admin.close();
  }
};

export const declareTestTopology = async (namespace: string): Promise<void> => {
  const admin = await openAdminChannel();
  try {
    await declareTopology(admin.channel, namespace);
  } finally {
    await admin.close();
  }
};

/** Takes every message off a queue (they are gone afterwards). */
export const drainQueue = async (channel: Channel, queue: string): Promise<GetMessage[]> => {
  const messages: GetMessage[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (message === false) return messages;
    messages.push(message);
  }
};

export const publishRaw = (channel: Channel, queue: string, body: string | Buffer, properties: Options.Publish = {}): void => {
  channel.sendToQueue(queue, Buffer.isBuffer(body) ? body : Buffer.from(body), { persistent: true, ...properties });
};

export interface TcpProxy {
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  /** Like a network failure: every open connection is reset, and new ones are refused until `restore()`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

const targetOf = (url: string): { host: string; port: number } => {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || (parsed.protocol === 'amqp:' ? 5672 : 5432)) };
};

/** A TCP forwarder to the server at `url`, for real outages (broker or database) that the test can switch on and off. */
export const startTcpProxy = async (url: string): Promise<TcpProxy> => {
  const target = targetOf(url);
  const open = new Set<Socket>();
  let down = false;
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connectTcp(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const cut = (): void => {
    down = true;
    for (const socket of open) socket.destroy();
  };
  return {
    urlFor(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cut,
    restore() {
      down = false;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export interface AmqpNode {
  messaging: Messaging;
  metrics: ServiceMetrics;
  /** The database the node uses (possibly through a proxy); the test reads through `handle`. */
  database: Database<TestSchema>;
  stop(): Promise<void>;
}

export interface AmqpNodeOptions {
  namespace: string;
  service?: string;
  handlers?: MessageHandler<TestTx>[];
  maxAttempts?: number;
  brokerUrl?: string;
  /** Connect to PostgreSQL at this URL instead of the test database's own (e.g. through a proxy). */
  databaseUrl?: string;
  logger?: Logger;
  prefetch?: number;
  /** Resolve only once connected, consuming and able to publish. Default true. */
  awaitConnection?: boolean;
  /**
   * Who signs what the node's relay and transport publish. The tests' commands come from the orchestrator and go
   * to this same node: by default it signs as the orchestrator would. Its own name: exactly as main.ts wires it.
   */
  sendsAs?: string;
}

/**
 * The node's own broker connection, publishing signed by `sender`: a transport bound once createMessaging made the
 * connection (before start, so the relay's onAvailable subscription reaches it).
 */
const transportSigningAs = (sender: string, logger: Logger): Transport & { bind(messaging: Messaging): void } => {
  let inner: Transport | undefined;
  const bound = (): Transport => {
    if (!inner) throw new Error('the test transport is used before its node was created');
    return inner;
  };
  return {
    name: 'rabbitmq',
    bind(messaging) {
      if (!messaging.broker) throw new Error('the node has no broker connection');
      inner = createAmqpTransport({ connection: messaging.broker, logger, signer: testSignerOf(sender) });
    },
    publish: (envelope) => bound().publish(envelope),
    close: () => bound().close(),
    onAvailable: (listener) => bound().onAvailable?.(listener) ?? (() => {}),
  };
};

/** One service as its main.ts wires it with BROKER_URL set: createMessaging with a broker, started. */
export const startAmqpNode = async (handle: TestDatabaseHandle, options: AmqpNodeOptions): Promise<AmqpNode> => {
  const service = options.service ?? 'account';
  const logger = options.logger ?? silentLogger();
  const metrics = createMetrics(service);
  const database = options.databaseUrl
    ? connectDatabase({ url: options.databaseUrl, schema, logger, maxConnections: 10, applicationName: 'amqp-test' })
    : handle.database;
  const sendsAs = options.sendsAs ?? 'orchestrator';
  const signingAs = sendsAs === service ? undefined : transportSigningAs(sendsAs, logger);
  const messaging = createMessaging({
    service,
    database,
    peers: {},
    security: testMessageSecurity(service),
    ...(signingAs ? { transport: signingAs } : {}),
    brokerUrl: options.brokerUrl ?? TEST_BROKER_URL,
    amqp: { namespace: options.namespace, ...(options.prefetch ? { prefetch: options.prefetch } : {}) },
    handlers: options.handlers ?? [ledgerHandler()],
    logger,
    metrics,
    relay: { pollIntervalMs: 50, flushTimeoutMs: 1_000 },
    ...(options.maxAttempts ? { consumer: { maxAttempts: options.maxAttempts } } : {}),
  });
  signingAs?.bind(messaging);
  messaging.start();
  if (options.awaitConnection ?? true)
    await eventually(
      async () => messaging.broker?.isConnected() ?? false,
      (connected) => connected,
    );
  return {
    messaging,
    metrics,
    database,
    async stop() {
      await messaging.stop();
      if (database !== handle.database) await database.close();
    },
  };
};

/** `messages_consumed_total` for one outcome, summed over types. */
export const consumedCount = async (metrics: ServiceMetrics, outcome: string): Promise<number> => {
  const metric = metrics.registry.getSingleMetric('messages_consumed_total');
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((value) => value.labels['outcome'] === outcome).reduce((sum, value) => sum + value.value, 0);
};

export const brokerConnectedGauge = async (metrics: ServiceMetrics): Promise<number | undefined> => {
  const metric = metrics.registry.getSingleMetric('broker_connected');
  return metric ? (await metric.get()).values[0]?.value : undefined;
};

export const ledgerCountFor = (handle: TestDatabaseHandle, messageId: string): Promise<number> =>
  handle.count('select count(*) from ledger where message_id = $1', [messageId]);

export const headerOf = (message: GetMessage, name: string): unknown => message.properties.headers?.[name];

export interface TestNamespace {
  namespace: string;
  /** The account service's command queue. */
  commands: string;
  /** Open between the file's first and last test. */
  readonly admin: AdminChannel;
}

/** A namespace for the calling describe block: topology declared and an admin channel open before its tests, both gone after. */
export const useTestNamespace = (): TestNamespace => {
  const namespace = randomNamespace();
  let admin: AdminChannel | undefined;
  beforeAll(async () => {
    await declareTestTopology(namespace);
    admin = await openAdminChannel();
  });
  afterAll(async () => {
    await admin?.close();
    await deleteTestTopology(namespace);
  });
  return {
    namespace,
    commands: `${namespace}.account.commands`,
    get admin() {
      if (!admin) throw new Error('The admin channel opens before the first test');
      return admin;
    },
  };
};
