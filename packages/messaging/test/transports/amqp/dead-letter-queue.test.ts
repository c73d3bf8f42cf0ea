import { randomBytes, randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  allConsumerQueues,
  commandExchangeOf,
  consumerQueuesOf,
  DEAD_LETTER_HEADERS,
  declareTopology,
  eventExchangeOf,
  type ConsumerQueue,
} from '../../../src/transports/amqp/amqp-topology.js';
import {
  findQueuedDeadLetter,
  listQueuedDeadLetters,
  OPERATOR_SIGNATURE_HEADER,
  operatorSignatureOf,
  REPLAYED_FROM_HEADER,
  replayQueuedDeadLetter,
  RepairedMessageRefusedError,
  SENDER_HEADER,
  SIGNATURE_HEADER,
} from '../../../src/index.js';
import { TEST_OPERATOR_TOKEN } from '@ordering/testing';
import { aDebitCommand } from '../../builders.js';

const brokerUrl = process.env['TEST_BROKER_URL'] ?? '';
const namespace = `test-${randomBytes(4).toString('hex')}`;
/** Never declared: its DLQs do not exist. */
const emptyNamespace = `test-${randomBytes(4).toString('hex')}`;
/** Only the DLQ of one queue is declared, not the consumer queue a replay needs. */
const brokenNamespace = `test-${randomBytes(4).toString('hex')}`;

const [accountCommands] = consumerQueuesOf('account', namespace) as [ConsumerQueue];
const [orderCommands] = consumerQueuesOf('order', namespace) as [ConsumerQueue];

let connection: ChannelModel;
let channel: ConfirmChannel;

interface Parking {
  error?: string;
  attempts?: number;
  deadAt?: string;
  messageId?: string;
  type?: string;
  headers?: Record<string, unknown>;
}

/** Puts a message into `<queue>.dlq` the way the AMQP consumer parks one: body as received, dead-letter headers. */
const park = async (queue: ConsumerQueue, body: string | Buffer, parking: Parking = {}): Promise<string> => {
  const id = randomUUID();
  channel.sendToQueue(queue.dlq, Buffer.isBuffer(body) ? body : Buffer.from(body), {
    persistent: true,
    contentType: 'application/json',
    ...(parking.messageId ? { messageId: parking.messageId } : {}),
    ...(parking.type ? { type: parking.type } : {}),
    headers: {
      ...parking.headers,
      [DEAD_LETTER_HEADERS.id]: id,
      [DEAD_LETTER_HEADERS.error]: parking.error ?? 'The handler failed 5 times; last error: boom',
      [DEAD_LETTER_HEADERS.attempts]: parking.attempts ?? 5,
      [DEAD_LETTER_HEADERS.originalQueue]: queue.queue,
      [DEAD_LETTER_HEADERS.deadAt]: parking.deadAt ?? new Date().toISOString(),
    },
  });
  await channel.waitForConfirms();
  return id;
};

const parkEnvelope = (queue: ConsumerQueue, envelope: ReturnType<typeof aDebitCommand>, parking: Parking = {}) =>
  park(queue, JSON.stringify(envelope), { messageId: envelope.id, type: envelope.type, ...parking });

const depthOf = async (queue: string): Promise<number> => (await channel.checkQueue(queue)).messageCount;

/** Everything in a queue, consumed (the consumer queues here have no consumer but the test). */
const drain = async (queue: string): Promise<amqp.GetMessage[]> => {
  const messages: amqp.GetMessage[] = [];
  for (let message = await channel.get(queue, { noAck: true }); message !== false; message = await channel.get(queue, { noAck: true }))
    messages.push(message);
  return messages;
};

describe.skipIf(!brokerUrl)('dead-letter queues on RabbitMQ', () => {
  beforeAll(async () => {
    connection = await amqp.connect(brokerUrl);
    channel = await connection.createConfirmChannel();
    await declareTopology(channel, namespace);
    await channel.assertQueue(consumerQueuesOf('account', brokenNamespace)[0]?.dlq ?? '', { durable: true });
  });

  afterAll(async () => {
    if (!channel) return;
    for (const queue of allConsumerQueues(namespace)) {
      for (const name of [queue.queue, queue.retry, queue.dlq]) await channel.deleteQueue(name);
    }
    await channel.deleteQueue(consumerQueuesOf('account', brokenNamespace)[0]?.dlq ?? '');
    await channel.deleteExchange(commandExchangeOf(namespace));
    await channel.deleteExchange(eventExchangeOf(namespace));
    await connection.close();
  });

  beforeEach(async () => {
    for (const queue of allConsumerQueues(namespace)) {
      await channel.purgeQueue(queue.queue);
      await channel.purgeQueue(queue.dlq);
    }
  });

  it('when dead letters are listed twice, then both lists are equal, newest first, and every message is still in its queue in order', async () => {
    const older = aDebitCommand();
    const olderId = await parkEnvelope(accountCommands, older, { deadAt: '2030-01-01T00:00:00.000Z', attempts: 5 });
    const newerId = await parkEnvelope(accountCommands, aDebitCommand(), { deadAt: '2030-01-01T00:00:02.000Z', attempts: 3 });
    const garbageId = await park(orderCommands, 'plain text, not JSON at all', {
      error: 'The message body is not valid JSON',
      attempts: 1,
      deadAt: '2030-01-01T00:00:01.000Z',
    });

    const first = await listQueuedDeadLetters(brokerUrl, { namespace });
    const second = await listQueuedDeadLetters(brokerUrl, { namespace });

    expect(second).toEqual(first);
    expect(first.map((letter) => letter.id)).toEqual([newerId, garbageId, olderId]);
    expect(first[2]).toEqual({
      id: olderId,
      queue: accountCommands.dlq,
      consumerQueue: accountCommands.queue,
      service: 'account',
      messageId: older.id,
      messageType: older.type,
      error: 'The handler failed 5 times; last error: boom',
      attempts: 5,
      deadAt: '2030-01-01T00:00:00.000Z',
      message: older,
    });
    expect(first[1]).toMatchObject({
      service: 'order',
      messageId: null,
      messageType: null,
      attempts: 1,
      message: { raw: 'plain text, not JSON at all' },
    });
    expect(await depthOf(accountCommands.dlq)).toBe(2);
    expect(await depthOf(orderCommands.dlq)).toBe(1);
    const stillQueued = await listQueuedDeadLetters(brokerUrl, { namespace, service: 'account' });
    expect(stillQueued.map((letter) => letter.id)).toEqual([newerId, olderId]);
  });

  it('when the list is limited or filtered by service, then it holds at most that many, of that service only', async () => {
    for (let i = 0; i < 3; i += 1) await parkEnvelope(accountCommands, aDebitCommand());
    await park(orderCommands, '{"broken": ');

    const limited = await listQueuedDeadLetters(brokerUrl, { namespace, limit: 2 });
    const orderOnly = await listQueuedDeadLetters(brokerUrl, { namespace, service: 'order' });

    expect(limited).toHaveLength(2);
    expect(orderOnly.map((letter) => letter.service)).toEqual(['order']);
    expect(orderOnly[0]?.message).toEqual({ raw: '{"broken": ' });
    expect(await depthOf(accountCommands.dlq)).toBe(3);
  });

  it('when the dead-letter queues do not exist yet, then the list is empty and nothing is found or replayed', async () => {
    expect(await listQueuedDeadLetters(brokerUrl, { namespace: emptyNamespace })).toEqual([]);
    expect(await findQueuedDeadLetter(brokerUrl, randomUUID(), { namespace: emptyNamespace })).toBeUndefined();
    expect(await replayQueuedDeadLetter(brokerUrl, randomUUID(), { namespace: emptyNamespace })).toBeUndefined();
  });

  it('when one dead letter is looked up, then it comes with its message and the queue keeps all of them in order', async () => {
    const first = await park(orderCommands, Buffer.from([0xff, 0xfe, 0x00]), { attempts: 1 });
    const envelope = aDebitCommand();
    const second = await parkEnvelope(accountCommands, envelope);
    const third = await parkEnvelope(accountCommands, aDebitCommand());

    const found = await findQueuedDeadLetter(brokerUrl, second, { namespace });

    expect(found).toMatchObject({ id: second, service: 'account', queue: accountCommands.dlq, message: envelope });
    expect((await findQueuedDeadLetter(brokerUrl, first, { namespace }))?.message).toEqual({ raw: '\ufffd\ufffd\u0000' });
    const ids = (await listQueuedDeadLetters(brokerUrl, { namespace, service: 'account' })).map((letter) => letter.id);
    expect(ids.sort()).toEqual([second, third].sort());
    expect((await drain(accountCommands.dlq)).map((message) => message.properties.headers?.[DEAD_LETTER_HEADERS.id])).toEqual([
      second,
      third,
    ]);
  });

  it('when the original is replayed, then the consumer queue gets the same body without attempts and marked as a replay, and the DLQ no longer has it', async () => {
    const envelope = { ...aDebitCommand(), headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } };
    const keptId = await parkEnvelope(accountCommands, aDebitCommand());
    const id = await parkEnvelope(accountCommands, envelope, { headers: { 'x-attempts': 5 } });

    const replayed = await replayQueuedDeadLetter(brokerUrl, id, { namespace });

    expect(replayed).toEqual({ id, queue: accountCommands.queue, service: 'account', messageId: envelope.id });
    const [delivered, ...more] = await drain(accountCommands.queue);
    expect(more).toEqual([]);
    expect(delivered?.content.toString()).toBe(JSON.stringify(envelope));
    expect(delivered?.properties).toMatchObject({
      messageId: envelope.id,
      type: envelope.type,
      contentType: 'application/json',
      deliveryMode: 2,
    });
    // x-delivery-count is the quorum queue's own; nothing else of the dead letter's headers travels along.
    const { 'x-delivery-count': _byTheQuorumQueue, ...headers } = delivered?.properties.headers ?? {};
    expect(headers).toEqual({ [REPLAYED_FROM_HEADER]: id, traceparent: envelope.headers.traceparent });
    expect((await listQueuedDeadLetters(brokerUrl, { namespace })).map((letter) => letter.id)).toEqual([keptId]);
  });

  it('when a repaired message is replayed, then the consumer queue gets the repaired body and the DLQ no longer has the broken one', async () => {
    const broken = aDebitCommand({}, { amount: -5 });
    const id = await parkEnvelope(accountCommands, broken, { error: 'payload.amount: must be >= 1', attempts: 1 });
    const repaired = { ...broken, payload: { ...(broken.payload as object), amount: 500 } };

    const replayed = await replayQueuedDeadLetter(brokerUrl, id, { namespace, message: repaired, operatorToken: TEST_OPERATOR_TOKEN });

    expect(replayed).toMatchObject({ id, queue: accountCommands.queue, messageId: broken.id });
    const [delivered] = await drain(accountCommands.queue);
    expect(JSON.parse(delivered?.content.toString() ?? '')).toEqual(repaired);
    expect(delivered?.properties.headers?.[REPLAYED_FROM_HEADER]).toBe(id);
    expect(delivered?.properties.headers?.[OPERATOR_SIGNATURE_HEADER]).toBe(operatorSignatureOf(TEST_OPERATOR_TOKEN, delivered!.content));
    expect(delivered?.properties.headers).not.toHaveProperty('x-attempts');
    expect(await findQueuedDeadLetter(brokerUrl, id, { namespace })).toBeUndefined();
    expect(await depthOf(accountCommands.dlq)).toBe(0);
  });

  it('when a body that was not JSON is replayed with a repair, then the repair is published and the garbage is gone', async () => {
    const id = await park(orderCommands, 'not json', { attempts: 1 });
    const repaired = { ...aDebitCommand(), destination: 'order' };

    await replayQueuedDeadLetter(brokerUrl, id, { namespace, message: repaired, operatorToken: TEST_OPERATOR_TOKEN });

    const [delivered] = await drain(orderCommands.queue);
    expect(JSON.parse(delivered?.content.toString() ?? '')).toEqual(repaired);
    expect(delivered?.properties.messageId).toBe(repaired.id);
    expect(await depthOf(orderCommands.dlq)).toBe(0);
  });

  it("when the original is replayed, then it keeps its sender's signature headers, which still fit its untouched body", async () => {
    const envelope = aDebitCommand();
    const signature = { [SENDER_HEADER]: 'orchestrator', [SIGNATURE_HEADER]: 'c2lnbmF0dXJl' };
    const id = await parkEnvelope(accountCommands, envelope, { headers: signature });

    await replayQueuedDeadLetter(brokerUrl, id, { namespace });

    const [delivered] = await drain(accountCommands.queue);
    expect(delivered?.content.toString()).toBe(JSON.stringify(envelope));
    expect(delivered?.properties.headers).toMatchObject({ ...signature, [REPLAYED_FROM_HEADER]: id });
  });

  it('when a repaired message is replayed without the operator token, or would be refused by its consumer, then it throws and nothing moves', async () => {
    const broken = aDebitCommand({}, { amount: -5 });
    const id = await parkEnvelope(accountCommands, broken);
    const repaired = { ...broken, payload: { ...(broken.payload as object), amount: 500 } };
    const withToken = { namespace, operatorToken: TEST_OPERATOR_TOKEN };

    await expect(replayQueuedDeadLetter(brokerUrl, id, { namespace, message: repaired })).rejects.toThrow(/OPERATOR_TOKEN/);
    await expect(replayQueuedDeadLetter(brokerUrl, id, { ...withToken, message: broken })).rejects.toThrow(RepairedMessageRefusedError);
    await expect(replayQueuedDeadLetter(brokerUrl, id, { ...withToken, message: { ...repaired, destination: 'order' } })).rejects.toThrow(
      /addressed to 'order'/,
    );
    await expect(replayQueuedDeadLetter(brokerUrl, id, { ...withToken, message: { ...repaired, source: 'order' } })).rejects.toThrow(
      /'order' may not send/,
    );

    expect(await depthOf(accountCommands.queue)).toBe(0);
    expect((await listQueuedDeadLetters(brokerUrl, { namespace })).map((letter) => letter.id)).toEqual([id]);
  });

  it('when an unknown id is replayed, or the repair is not a JSON object, then nothing moves', async () => {
    const id = await parkEnvelope(accountCommands, aDebitCommand());

    expect(await replayQueuedDeadLetter(brokerUrl, randomUUID(), { namespace })).toBeUndefined();
    await expect(replayQueuedDeadLetter(brokerUrl, id, { namespace, message: [1, 2] })).rejects.toThrow(/JSON object/);
    await expect(replayQueuedDeadLetter(brokerUrl, id, { namespace, message: 'text' })).rejects.toThrow(/JSON object/);

    expect(await depthOf(accountCommands.queue)).toBe(0);
    expect((await listQueuedDeadLetters(brokerUrl, { namespace })).map((letter) => letter.id)).toEqual([id]);
  });

  it('when the consumer queue a replay needs does not exist, then the replay fails and the dead letter stays in its queue', async () => {
    const [broken] = consumerQueuesOf('account', brokenNamespace) as [ConsumerQueue];
    const id = await park(broken, JSON.stringify(aDebitCommand()));

    await expect(replayQueuedDeadLetter(brokerUrl, id, { namespace: brokenNamespace })).rejects.toThrow(/could not route/);

    expect(await findQueuedDeadLetter(brokerUrl, id, { namespace: brokenNamespace })).toMatchObject({ id });
    expect(await depthOf(broken.dlq)).toBe(1);
  });

  it('when a message arrives in a DLQ without a dead-letter id, then it gets a stable id and can be shown and replayed by it', async () => {
    channel.sendToQueue(accountCommands.dlq, Buffer.from('{"put":"here by hand"}'), { persistent: true });
    await channel.waitForConfirms();

    const [letter] = await listQueuedDeadLetters(brokerUrl, { namespace });
    const again = await findQueuedDeadLetter(brokerUrl, letter?.id ?? '', { namespace });
    const replayed = await replayQueuedDeadLetter(brokerUrl, letter?.id ?? '', { namespace });

    expect(letter).toMatchObject({ messageId: null, error: '', attempts: 0, deadAt: null, message: { put: 'here by hand' } });
    expect(again?.id).toBe(letter?.id);
    expect(replayed).toMatchObject({ id: letter?.id, messageId: null });
    expect((await drain(accountCommands.queue)).map((message) => message.content.toString())).toEqual(['{"put":"here by hand"}']);
  });
});
