import { randomUUID } from 'node:crypto';
import { MessageTypes } from '@ordering/contracts';
import { testPublicKeys } from '@ordering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allConsumerQueues,
  commandExchangeOf,
  consumerQueuesOf,
  createAmqpTransport,
  createBrokerConnection,
  createEnvelope,
  createMessageVerifier,
  declareTopology,
  deleteTopology,
  eventExchangeOf,
  PublishRejectedError,
  RETRY_DELAY_MS,
  type BrokerConnection,
  type Transport,
} from '../../../src/index.js';
import { aDebitCommand } from '../../builders.js';
import {
  brokerRefusal,
  deleteTestTopology,
  drainQueue,
  openAdminChannel,
  randomNamespace,
  TEST_BROKER_URL,
  type AdminChannel,
} from './broker-harness.js';
import { eventually, silentLogger, testSignerOf } from '../../messaging-harness.js';

describe('amqp topology (pure)', () => {
  it('when a service subscribes to no event, then it consumes only its commands queue', () => {
    expect(consumerQueuesOf('order', 'ns')).toEqual([
      { queue: 'ns.order.commands', retry: 'ns.order.commands.retry', dlq: 'ns.order.commands.dlq', service: 'order', kind: 'commands' },
    ]);
  });

  it('when a service subscribes to an event in the catalog, then it also consumes an events queue', () => {
    expect(consumerQueuesOf('account').map((q) => q.queue)).toEqual(['ordering.account.commands', 'ordering.account.events']);
  });

  it('when every queue is listed, then each of the four messaging services has its commands queue', () => {
    const queues = allConsumerQueues('ns').map((q) => q.queue);
    expect(queues).toEqual(
      expect.arrayContaining([
        'ns.customer.commands',
        'ns.order.commands',
        'ns.account.commands',
        'ns.orchestrator.commands',
        'ns.account.events',
      ]),
    );
    expect(queues).toHaveLength(5);
  });
});

describe.skipIf(!TEST_BROKER_URL)('amqp topology on RabbitMQ', () => {
  const namespace = randomNamespace();
  let admin: AdminChannel;
  let broker: BrokerConnection;
  let transport: Transport;

  beforeAll(async () => {
    admin = await openAdminChannel();
    broker = createBrokerConnection({ url: TEST_BROKER_URL, service: 'orchestrator', logger: silentLogger(), namespace });
    transport = createAmqpTransport({ connection: broker, logger: silentLogger(), signer: testSignerOf('orchestrator') });
    broker.start();
    await eventually(
      async () => broker.isConnected(),
      (connected) => connected,
    );
  });

  afterAll(async () => {
    await transport?.close();
    await broker?.close();
    await admin?.close();
    await deleteTestTopology(namespace);
  });

  it('when the topology is declared again (another service starting), then it succeeds and changes nothing', async () => {
    await declareTopology(admin.channel, namespace);
    await declareTopology(admin.channel, namespace);

    for (const consumer of allConsumerQueues(namespace)) {
      for (const queue of [consumer.queue, consumer.retry, consumer.dlq])
        expect(await brokerRefusal(admin, (ch) => ch.checkQueue(queue))).toBeUndefined();
    }
    expect(await brokerRefusal(admin, (ch) => ch.checkExchange(commandExchangeOf(namespace)))).toBeUndefined();
    expect(await brokerRefusal(admin, (ch) => ch.checkExchange(eventExchangeOf(namespace)))).toBeUndefined();
  });

  // RabbitMQ refuses a re-declaration whose type or arguments differ (406): so each refusal below proves what the queue is.
  it('when a consumer queue is re-declared as a classic queue, then the broker refuses: it is a quorum queue', async () => {
    const refusal = await brokerRefusal(admin, (ch) => ch.assertQueue(`${namespace}.account.commands`, { durable: true }));
    expect(refusal).toMatch(/PRECONDITION_FAILED.*x-queue-type/);
  });

  it('when a retry queue is re-declared with another TTL or without at-least-once dead-lettering, then the broker refuses', async () => {
    const retry = `${namespace}.order.commands.retry`;
    const exact = {
      'x-queue-type': 'quorum',
      'x-message-ttl': RETRY_DELAY_MS,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': `${namespace}.order.commands`,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    };
    expect(await brokerRefusal(admin, (ch) => ch.assertQueue(retry, { durable: true, arguments: exact }))).toBeUndefined();
    expect(
      await brokerRefusal(admin, (ch) =>
        ch.assertQueue(retry, { durable: true, arguments: { ...exact, 'x-message-ttl': RETRY_DELAY_MS + 1 } }),
      ),
    ).toMatch(/PRECONDITION_FAILED.*x-message-ttl/);
    expect(
      await brokerRefusal(admin, (ch) =>
        ch.assertQueue(retry, { durable: true, arguments: { ...exact, 'x-dead-letter-strategy': 'at-most-once' } }),
      ),
    ).toMatch(/PRECONDITION_FAILED.*x-dead-letter-strategy/);
  });

  it('when a DLQ is re-declared as a quorum queue, then the broker refuses: it is a classic queue', async () => {
    const dlq = `${namespace}.order.commands.dlq`;
    expect(await brokerRefusal(admin, (ch) => ch.assertQueue(dlq, { durable: true }))).toBeUndefined();
    expect(await brokerRefusal(admin, (ch) => ch.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } }))).toMatch(
      /PRECONDITION_FAILED/,
    );
  });

  it("when a command is published, then it lands only in its destination commands queue, persistent, with its id, type, trace header and the sender's signature of its body", async () => {
    const command = aDebitCommand({ headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });

    await transport.publish(command);

    const [delivered, ...others] = await drainQueue(admin.channel, `${namespace}.account.commands`);
    expect(others).toHaveLength(0);
    expect(JSON.parse(delivered?.content.toString('utf8') ?? '')).toEqual(command);
    expect(delivered?.properties).toMatchObject({
      messageId: command.id,
      type: command.type,
      contentType: 'application/json',
      deliveryMode: 2,
      headers: { traceparent: command.headers.traceparent, 'x-message-sender': 'orchestrator' },
    });
    const header = (name: string): string | undefined => {
      const value: unknown = delivered?.properties.headers?.[name];
      return Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'string' ? value : undefined;
    };
    expect(createMessageVerifier({ publicKeys: testPublicKeys() }).verify(header, delivered!.content)).toEqual({
      ok: true,
      value: { via: 'signature', sender: 'orchestrator' },
    });
    expect(await drainQueue(admin.channel, `${namespace}.order.commands`)).toHaveLength(0);
  });

  it('when an event copy is published for a subscriber, then it lands in that subscriber events queue', async () => {
    const event = createEnvelope({
      type: MessageTypes.CustomerRegistered,
      source: 'customer',
      destination: 'account',
      correlationId: randomUUID(),
      payload: { customerId: randomUUID(), role: 'customer', registeredAt: new Date().toISOString() },
    });

    await transport.publish(event);

    const delivered = await drainQueue(admin.channel, `${namespace}.account.events`);
    expect(delivered.map((m) => m.properties.messageId)).toEqual([event.id]);
    expect(delivered[0]?.fields.routingKey).toBe(`account.${MessageTypes.CustomerRegistered}`);
  });

  it('when a message has no queue to go to, then the publish is rejected (mandatory return), not silently dropped', async () => {
    const unroutable = aDebitCommand({ destination: 'nobody' });

    await expect(transport.publish(unroutable)).rejects.toThrow(PublishRejectedError);
    await expect(transport.publish(unroutable)).rejects.toThrow(/unroutable/);
  });

  it('when a second namespace shares the broker, then a command published in one never reaches the other, and deleting it leaves the first intact', async () => {
    const other = randomNamespace();
    await declareTopology(admin.channel, other);
    const command = aDebitCommand();

    await transport.publish(command);

    expect(await drainQueue(admin.channel, `${other}.account.commands`)).toHaveLength(0);
    expect((await drainQueue(admin.channel, `${namespace}.account.commands`)).map((m) => m.properties.messageId)).toEqual([command.id]);
    await deleteTopology(admin.channel, other);
    for (const consumer of allConsumerQueues(other))
      expect(await brokerRefusal(admin, (ch) => ch.checkQueue(consumer.queue))).toMatch(/NOT_FOUND/);
    expect(await brokerRefusal(admin, (ch) => ch.checkExchange(commandExchangeOf(other)))).toMatch(/NOT_FOUND/);
    expect(await brokerRefusal(admin, (ch) => ch.checkQueue(`${namespace}.account.commands`))).toBeUndefined();
  });
});
