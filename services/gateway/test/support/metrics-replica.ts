import fastify from 'fastify';
import { createServer, type Socket } from 'node:net';

/** A service replica as the system view sees it: `/readyz` and a Prometheus `/metrics` the test sets. */
export interface MetricsReplica {
  url: string;
  /** 200 when true; 503 with the platform's readiness body naming `database` otherwise. */
  ready: boolean;
  outboxPending: number;
  deadLetters: { http: number; rabbitmq: number };
  /** `messages_consumed_total`, split over two series to show they are summed. */
  consumed: number;
  /** `process_start_time_seconds`: change it with `consumed` to stand for a restart. */
  startedAt: number;
  /** How many times `/metrics` was read. */
  scrapes: number;
  close(): Promise<void>;
}

/** The text prom-client would serve for these numbers (a service label on every series, as the platform sets). */
const expositionOf = (replica: MetricsReplica): string => {
  const processed = Math.floor(replica.consumed / 2);
  return [
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds{service="order"} ${replica.startedAt}`,
    '# HELP outbox_pending Outbox messages waiting to be published',
    '# TYPE outbox_pending gauge',
    `outbox_pending{service="order"} ${replica.outboxPending}`,
    '# HELP dead_letters Dead letters not yet replayed, by consuming queue and where they are parked',
    '# TYPE dead_letters gauge',
    `dead_letters{queue="order",transport="http",service="order"} ${replica.deadLetters.http}`,
    `dead_letters{queue="order.commands",transport="rabbitmq",service="order"} ${replica.deadLetters.rabbitmq}`,
    '# HELP messages_consumed_total Messages received by the consumer runtime, by outcome',
    '# TYPE messages_consumed_total counter',
    `messages_consumed_total{type="order.create",outcome="processed",service="order"} ${processed}`,
    `messages_consumed_total{type="order.create",outcome="duplicate",service="order"} ${replica.consumed - processed}`,
    '',
  ].join('\n');
};

export const startMetricsReplica = async (): Promise<MetricsReplica> => {
  const server = fastify({ logger: false });
  const replica: MetricsReplica = {
    url: '',
    ready: true,
    outboxPending: 0,
    deadLetters: { http: 0, rabbitmq: 0 },
    consumed: 0,
    startedAt: 1_700_000_000,
    scrapes: 0,
    close: () => server.close(),
  };
  server.get('/readyz', async (_request, reply) =>
    replica.ready
      ? { status: 'ready', checks: { database: 'ok' } }
      : reply.status(503).send({ status: 'unavailable', checks: { database: 'timed out', broker: 'ok' } }),
  );
  server.get('/metrics', async (_request, reply) => {
    replica.scrapes += 1;
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(expositionOf(replica));
  });
  replica.url = await server.listen({ host: '127.0.0.1', port: 0 });
  return replica;
};

/**
 * A replica that accepts connections and never answers, as a SIGSTOPped process does (the kernel still completes
 * the handshake). Its sockets are destroyed on close.
 */
export const startHangingReplica = async (): Promise<{ url: string; accepted: number; close(): Promise<void> }> => {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get accepted() {
      return accepted;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
