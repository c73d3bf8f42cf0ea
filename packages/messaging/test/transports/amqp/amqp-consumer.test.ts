import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { GetMessage } from 'amqplib';
import type { Envelope } from '@ordering/contracts';
import { TEST_OPERATOR_TOKEN } from '@ordering/testing';
import {
  DEAD_LETTER_HEADERS,
  OPERATOR_SIGNATURE_HEADER,
  operatorSignatureOf,
  REPLAYED_FROM_HEADER,
  replayQueuedDeadLetter,
  SENDER_HEADER,
  SIGNATURE_HEADER,
} from '../../../src/index.js';
import { aDebitCommand } from '../../builders.js';
import {
  consumedCount,
  drainQueue,
  headerOf,
  ledgerCountFor,
  publishRaw,
  startAmqpNode,
  startTcpProxy,
  TEST_BROKER_URL,
  useTestNamespace,
  type AmqpNode,
} from './broker-harness.js';
import {
  eventually,
  ledgerHandler,
  metricValue,
  outboxRowsOf,
  refusedDataHandler,
  startTestDatabase,
  testSignerOf,
  type TestDatabaseHandle,
} from '../../messaging-harness.js';

/** A bound, not an expectation: on a loaded 2-core machine the retry round trips of an outage can take a while. */
const OUTAGE_BOUND_MS = 45_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Each test waits up to 15–20 s several times; the default 30 s limit would cut its own clearer message short.
describe.skipIf(!TEST_BROKER_URL)('amqp consumer', { timeout: 90_000 }, () => {
  const broker = useTestNamespace();
  const { namespace, commands } = broker;
  const dlq = `${commands}.dlq`;
  let handle: TestDatabaseHandle;
  // One consumer per test: a node left running would compete for the next test's deliveries.
  let node: AmqpNode | undefined;

  beforeAll(async () => {
    handle = await startTestDatabase();
  });

  afterEach(async () => {
    await node?.stop();
    node = undefined;
    await drainQueue(broker.admin.channel, dlq);
  });

  afterAll(async () => {
    await handle?.close();
  });

  /**
   * Straight onto the queue, as anyone holding the broker's credentials can; signed by the orchestrator unless the test
   * says otherwise: the headers are all the consumer has to go on, and it verifies them before it reads the body.
   */
  const publishCommand = (
    command: Envelope<unknown>,
    headers = (body: string): Record<string, string> => testSignerOf().headersFor(body),
  ): string => {
    const body = JSON.stringify(command);
    publishRaw(broker.admin.channel, commands, body, {
      messageId: command.id,
      type: command.type,
      contentType: 'application/json',
      headers: headers(body),
    });
    return body;
  };

  /** Waits until the DLQ holds exactly one message, and takes it off. */
  const parkedOne = async (): Promise<GetMessage> =>
    (
      await eventually(
        () => drainQueue(broker.admin.channel, dlq),
        (messages) => messages.length === 1,
      )
    )[0]!;

  it('when the relay publishes a command, then the consumer applies it once; the same envelope published again is acked as a duplicate', async () => {
    node = await startAmqpNode(handle, { namespace });
    const command = aDebitCommand();

    await handle.enqueue([command]);
    node.messaging.wake();
    await eventually(
      () => ledgerCountFor(handle, command.id),
      (count) => count === 1,
    );
    await eventually(
      async () => (await outboxRowsOf(handle)).map((row) => row.status),
      (statuses) => statuses.every((s) => s === 'SENT'),
    );

    await node.messaging.transport.publish(command);
    await eventually(
      () => consumedCount(node!.metrics, 'duplicate'),
      (count) => count === 1,
    );
    await node.stop();
    node = undefined;

    expect(await ledgerCountFor(handle, command.id)).toBe(1);
    // Nothing was left unacked (it would be back in the queue now that the consumer is gone).
    expect((await broker.admin.channel.checkQueue(commands)).messageCount).toBe(0);
  });

  it.each([
    ['a body that is not JSON', () => Buffer.from('{"this is": not json'), /not valid JSON/],
    ['a payload that breaks its schema', () => Buffer.from(JSON.stringify(aDebitCommand({}, { amount: -5 }))), /amount/],
    [
      'a message addressed to another service',
      () => Buffer.from(JSON.stringify(aDebitCommand({ destination: 'order' }))),
      /addressed to 'order'/,
    ],
    [
      'a urn:uuid envelope id (PostgreSQL refuses it)',
      () => Buffer.from(JSON.stringify(aDebitCommand({ id: `urn:uuid:${randomUUID()}` }))),
      /envelope\.id: must match pattern/,
    ],
    [
      'a urn:uuid id in the payload',
      () => Buffer.from(JSON.stringify(aDebitCommand({}, { orderId: `urn:uuid:${randomUUID()}` }))),
      /payload\.orderId: must match pattern/,
    ],
  ])(
    'when %s is published straight to the queue, then it is parked in the DLQ with its error, and the consumer keeps working',
    async (_case, body, error) => {
      node = await startAmqpNode(handle, { namespace });
      const poison = body();

      // Signed: the signature covers any bytes, so the consumer gets to read the poison and name what is wrong with it.
      publishRaw(broker.admin.channel, commands, poison, { headers: testSignerOf().headersFor(poison) });
      const parked = await parkedOne();

      expect(parked?.content.equals(poison)).toBe(true);
      expect(headerOf(parked, DEAD_LETTER_HEADERS.error)).toMatch(error);
      expect(headerOf(parked, DEAD_LETTER_HEADERS.attempts)).toBe(1);
      expect(headerOf(parked, DEAD_LETTER_HEADERS.id)).toMatch(UUID);
      expect(headerOf(parked, DEAD_LETTER_HEADERS.originalQueue)).toBe(commands);
      expect(new Date(String(headerOf(parked, DEAD_LETTER_HEADERS.deadAt))).getTime()).not.toBeNaN();
      // In AMQP mode dead letters live in the DLQ, not in the service's table.
      expect(await handle.count('select count(*) from dead_letters')).toBe(0);

      const healthy = aDebitCommand();
      publishCommand(healthy);
      await eventually(
        () => ledgerCountFor(handle, healthy.id),
        (count) => count === 1,
      );
    },
  );

  it('when a message is parked in the DLQ, then dead_letters counts it under its consuming queue until it leaves the DLQ', async () => {
    node = await startAmqpNode(handle, { namespace });
    const parked = () => metricValue(node!.metrics, 'dead_letters', { queue: commands, transport: 'rabbitmq' });
    expect(await parked()).toBe(0);
    const poison = Buffer.from('{"this is": not json');

    publishRaw(broker.admin.channel, commands, poison, { headers: testSignerOf().headersFor(poison) });
    await eventually(parked, (count) => count === 1);
    expect(await metricValue(node.metrics, 'dead_letters', { transport: 'http' })).toBe(0);

    expect(await drainQueue(broker.admin.channel, dlq)).toHaveLength(1);
    await eventually(parked, (count) => count === 0);
  });

  it('when a burst of commands with a poison one among them is waiting, then every healthy one is applied once, the poison one is parked, and nothing stays unacked', async () => {
    const healthy = Array.from({ length: 20 }, () => aDebitCommand());
    const poison = Buffer.from(JSON.stringify(aDebitCommand({}, { amount: -5 })));
    // Queued before anyone consumes: the broker then delivers them together, and they are consumed in batches.
    healthy.slice(0, 10).forEach((command) => publishCommand(command));
    publishRaw(broker.admin.channel, commands, poison, { headers: testSignerOf().headersFor(poison) });
    healthy.slice(10).forEach((command) => publishCommand(command));
    node = await startAmqpNode(handle, { namespace });

    const parked = await parkedOne();
    for (const command of healthy)
      await eventually(
        () => ledgerCountFor(handle, command.id),
        (count) => count === 1,
      );
    await node.stop();
    node = undefined;

    expect(parked?.content.equals(poison)).toBe(true);
    expect((await broker.admin.channel.checkQueue(commands)).messageCount).toBe(0);
  });

  it('when a handler fails every time, then the message goes round the retry queue and lands in the DLQ after maxAttempts', async () => {
    const handler = ledgerHandler({ failTimes: Infinity });
    node = await startAmqpNode(handle, { namespace, handlers: [handler], maxAttempts: 3 });
    const command = aDebitCommand();

    publishCommand(command);
    const parked = await parkedOne();

    expect(handler.calls).toBe(3);
    expect(JSON.parse(parked.content.toString('utf8'))).toEqual(command);
    expect(headerOf(parked, DEAD_LETTER_HEADERS.attempts)).toBe(3);
    expect(headerOf(parked, DEAD_LETTER_HEADERS.error)).toMatch(/failed 3 times; last error: handler failure number 3/);
    // Each retry waited out the retry queue's TTL: the broker recorded two expiries there.
    const deaths = headerOf(parked, 'x-death') as { queue: string; reason: string; count: number }[];
    expect(deaths).toEqual([expect.objectContaining({ queue: `${commands}.retry`, reason: 'expired', count: 2 })]);
    expect(await ledgerCountFor(handle, command.id)).toBe(0);
  });

  it('when a handler fails with a PostgreSQL data exception, then the message lands in the DLQ on its first delivery, without a round through the retry queue', async () => {
    const handler = refusedDataHandler("select 'not a number'::integer");
    node = await startAmqpNode(handle, { namespace, handlers: [handler], maxAttempts: 5 });
    const command = aDebitCommand();

    publishCommand(command);
    const parked = await parkedOne();

    expect(handler.calls).toBe(1);
    expect(JSON.parse(parked.content.toString('utf8'))).toEqual(command);
    expect(headerOf(parked, DEAD_LETTER_HEADERS.attempts)).toBe(1);
    expect(headerOf(parked, DEAD_LETTER_HEADERS.error)).toMatch(/no retry can fix: .*22P02/);
    expect(headerOf(parked, 'x-death')).toBeUndefined();
  });

  /** What `npm run dlq -- replay` publishes: the original body, properties and signature, naming the dead letter it came from. */
  const replay = (parked: GetMessage): void =>
    publishRaw(broker.admin.channel, commands, parked.content, {
      messageId: parked.properties.messageId as string,
      type: parked.properties.type as string,
      contentType: 'application/json',
      headers: {
        [SENDER_HEADER]: headerOf(parked, SENDER_HEADER),
        [SIGNATURE_HEADER]: headerOf(parked, SIGNATURE_HEADER),
        [REPLAYED_FROM_HEADER]: headerOf(parked, DEAD_LETTER_HEADERS.id),
      },
    });

  it('when a dead-lettered message is replayed after its cause went away, then a transient failure on replay is retried and it is processed', async () => {
    const handler = ledgerHandler({ failTimes: 3 });
    node = await startAmqpNode(handle, { namespace, handlers: [handler], maxAttempts: 2 });
    const command = aDebitCommand();
    publishCommand(command);
    const parked = await parkedOne();

    replay(parked);

    // Without a fresh round the replay's first failure (the handler's third) would park it again at once.
    await eventually(
      () => ledgerCountFor(handle, command.id),
      (count) => count === 1,
    );
    expect(handler.calls).toBe(4);
    expect(await drainQueue(broker.admin.channel, dlq)).toHaveLength(0);
  });

  it('when a replayed message fails every time again, then it gets the full attempts and is parked under the same dead-letter id', async () => {
    const handler = ledgerHandler({ failTimes: Infinity });
    node = await startAmqpNode(handle, { namespace, handlers: [handler], maxAttempts: 2 });
    publishCommand(aDebitCommand());
    const parked = await parkedOne();

    replay(parked);
    const parkedAgain = await parkedOne();

    expect(handler.calls).toBe(4);
    expect(headerOf(parkedAgain, DEAD_LETTER_HEADERS.id)).toBe(headerOf(parked, DEAD_LETTER_HEADERS.id));
    expect(headerOf(parkedAgain, DEAD_LETTER_HEADERS.attempts)).toBe(2);
  });

  it(
    'when the database is unavailable while a message is handled, then it is not acked as processed, is retried, and is processed once the database is back',
    async () => {
      const proxy = await startTcpProxy(handle.testDatabase.url);
      try {
        node = await startAmqpNode(handle, { namespace, databaseUrl: proxy.urlFor(handle.testDatabase.url) });
        const command = aDebitCommand();
        proxy.cut();

        await node.messaging.transport.publish(command);
        // Two retry outcomes mean the message came back through the retry queue at least once.
        await eventually(
          () => consumedCount(node!.metrics, 'retry'),
          (count) => count >= 2,
          OUTAGE_BOUND_MS,
        );
        expect(await ledgerCountFor(handle, command.id)).toBe(0);

        proxy.restore();
        // The consumer counts its outcome only after its commit returns, which can be after the row is visible here.
        await eventually(
          () => consumedCount(node!.metrics, 'processed'),
          (count) => count === 1,
          OUTAGE_BOUND_MS,
        );
        expect(await ledgerCountFor(handle, command.id)).toBe(1);
        // The outage was not the message's fault: no attempt was counted against it, nothing was parked.
        expect(await handle.count('select count(*) from message_attempts where message_id = $1', [command.id])).toBe(0);
        expect(await drainQueue(broker.admin.channel, dlq)).toHaveLength(0);
      } finally {
        await node?.stop();
        node = undefined;
        await proxy.close();
      }
    },
    3 * OUTAGE_BOUND_MS,
  );

  describe('authentication', () => {
    it.each([
      ['unsigned', () => ({}), /unauthenticated: the message is not signed/],
      [
        "signed with a key that is not the claimed sender's",
        (body: string) => ({ ...testSignerOf('impostor').headersFor(body), [SENDER_HEADER]: 'orchestrator' }),
        /unauthenticated: the signature is not orchestrator's/,
      ],
      [
        'carrying an operator signature made with another token',
        (body: string) => ({ [OPERATOR_SIGNATURE_HEADER]: operatorSignatureOf(`${TEST_OPERATOR_TOKEN}x`, body) }),
        /unauthenticated: the operator signature does not match/,
      ],
    ])(
      'when a delivery comes %s, then it lands in the DLQ as unauthenticated, unread, and has no effect',
      async (_case, headers, error) => {
        node = await startAmqpNode(handle, { namespace });
        const command = aDebitCommand();

        const body = publishCommand(command, headers);
        const parked = await parkedOne();

        expect(parked.content.toString('utf8')).toBe(body);
        expect(headerOf(parked, DEAD_LETTER_HEADERS.error)).toMatch(error);
        expect(headerOf(parked, DEAD_LETTER_HEADERS.attempts)).toBe(1);
        expect(await ledgerCountFor(handle, command.id)).toBe(0);
        expect(await handle.count('select count(*) from inbox_messages where message_id = $1', [command.id])).toBe(0);
      },
    );

    it('when a delivery is signed by the orchestrator, then it is processed', async () => {
      node = await startAmqpNode(handle, { namespace });
      const command = aDebitCommand();

      publishCommand(command);

      await eventually(
        () => ledgerCountFor(handle, command.id),
        (count) => count === 1,
      );
      await eventually(
        () => consumedCount(node!.metrics, 'processed'),
        (count) => count >= 1,
      );
      expect(await drainQueue(broker.admin.channel, dlq)).toHaveLength(0);
    });

    it("when a dead letter is replayed unrepaired, then it keeps its sender's signature and is processed", async () => {
      node = await startAmqpNode(handle, { namespace, handlers: [ledgerHandler({ failTimes: 2 })], maxAttempts: 2 });
      const command = aDebitCommand();
      publishCommand(command);
      const parked = await parkedOne();
      expect(headerOf(parked, SIGNATURE_HEADER)).toEqual(expect.anything());
      // Back into the DLQ, where `npm run dlq -- replay` finds it (the test's drain took it out).
      publishRaw(broker.admin.channel, dlq, parked.content, parked.properties);

      await replayQueuedDeadLetter(TEST_BROKER_URL, String(headerOf(parked, DEAD_LETTER_HEADERS.id)), { namespace });

      await eventually(
        () => ledgerCountFor(handle, command.id),
        (count) => count === 1,
      );
      expect(await drainQueue(broker.admin.channel, dlq)).toHaveLength(0);
    });

    it('when a repaired dead letter is replayed with the operator token, then it is signed by the operator and processed; without the token the replay throws', async () => {
      node = await startAmqpNode(handle, { namespace });
      const broken = aDebitCommand({}, { amount: -5 });
      publishCommand(broken);
      const parked = await parkedOne();
      publishRaw(broker.admin.channel, dlq, parked.content, parked.properties);
      const id = String(headerOf(parked, DEAD_LETTER_HEADERS.id));
      const repaired = { ...broken, payload: { ...(broken.payload as object), amount: 500 } };

      await expect(replayQueuedDeadLetter(TEST_BROKER_URL, id, { namespace, message: repaired })).rejects.toThrow(/OPERATOR_TOKEN/);
      expect(await ledgerCountFor(handle, broken.id)).toBe(0);

      await replayQueuedDeadLetter(TEST_BROKER_URL, id, { namespace, message: repaired, operatorToken: TEST_OPERATOR_TOKEN });

      await eventually(
        () => ledgerCountFor(handle, broken.id),
        (count) => count === 1,
      );
      expect(await drainQueue(broker.admin.channel, dlq)).toHaveLength(0);
    });
  });
});
