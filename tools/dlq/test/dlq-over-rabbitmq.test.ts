import { randomBytes, randomUUID } from 'node:crypto';
import {
  consumerQueuesOf,
  DEAD_LETTER_HEADERS,
  declareTopology,
  deleteTopology,
  OPERATOR_SIGNATURE_HEADER,
  operatorSignatureOf,
  REPLAYED_FROM_HEADER,
  type ConsumerQueue,
} from '@ordering/messaging';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aDebitCommand, cli } from './dlq-harness.js';

const brokerUrl = process.env['TEST_BROKER_URL'] ?? '';
const namespace = `test-${randomBytes(4).toString('hex')}`;

let connection: ChannelModel;
let channel: ConfirmChannel;
let account: ConsumerQueue;

/** Parks a body in the account commands DLQ with the headers the AMQP consumer writes. */
const park = async (body: string, messageId?: string): Promise<string> => {
  const id = randomUUID();
  channel.sendToQueue(account.dlq, Buffer.from(body), {
    persistent: true,
    contentType: 'application/json',
    ...(messageId ? { messageId, type: 'account.DebitAccount.v1' } : {}),
    headers: {
      [DEAD_LETTER_HEADERS.id]: id,
      [DEAD_LETTER_HEADERS.error]: 'payload.amount: must be >= 1',
      [DEAD_LETTER_HEADERS.attempts]: 1,
      [DEAD_LETTER_HEADERS.originalQueue]: account.queue,
      [DEAD_LETTER_HEADERS.deadAt]: new Date().toISOString(),
    },
  });
  await channel.waitForConfirms();
  return id;
};

const OPERATOR_TOKEN = randomBytes(32).toString('base64url');

const overRabbitMq = (argv: string[], stdin = '', operatorToken: string | undefined = OPERATOR_TOKEN) =>
  cli([...argv, '--broker', brokerUrl, '--namespace', namespace], operatorToken ? { operatorToken } : {}, stdin);

describe.skipIf(!brokerUrl)('npm run dlq over RabbitMQ', () => {
  beforeAll(async () => {
    connection = await amqp.connect(brokerUrl);
    channel = await connection.createConfirmChannel();
    await declareTopology(channel, namespace);
    [account] = consumerQueuesOf('account', namespace) as [ConsumerQueue];
  });

  afterAll(async () => {
    if (!channel) return;
    await deleteTopology(channel, namespace);
    await connection.close();
  });

  it('when dead letters sit in a DLQ, then list, show and a repaired replay from stdin work, and only the replayed one leaves', async () => {
    const broken = aDebitCommand(-5);
    const brokenId = await park(JSON.stringify(broken), broken.id);
    const garbageId = await park('not json at all');

    const table = await overRabbitMq(['list']);
    const shown = await overRabbitMq(['show', brokenId, '--json']);
    const repaired = { ...broken, payload: { ...(broken.payload as object), amount: 500 } };
    const replayed = await overRabbitMq(['replay', brokenId, '--message', '-'], JSON.stringify(repaired));
    const after = await overRabbitMq(['list', '--json', '--service', 'account']);

    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(`${brokenId}\\s+${account.dlq.replaceAll('.', '\\.')}\\s+account\\.DebitAccount\\.v1\\s+1\\s+`),
    );
    expect(table.stdout).toContain(garbageId);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id: brokenId,
      service: 'account',
      consumerQueue: account.queue,
      message: broken,
      error: 'payload.amount: must be >= 1',
    });
    expect(replayed).toEqual({
      code: 0,
      stderr: '',
      stdout: `replayed ${brokenId}: the repaired message ${broken.id} is in queue ${account.queue} and left the dead-letter queue\n`,
    });
    expect((JSON.parse(after.stdout) as Array<{ id: string }>).map((letter) => letter.id)).toEqual([garbageId]);
    const delivered = await channel.get(account.queue, { noAck: true });
    expect(delivered && JSON.parse(delivered.content.toString())).toEqual(repaired);
    expect(delivered && delivered.properties.headers?.[REPLAYED_FROM_HEADER]).toBe(brokenId);
    // No sender's signature fits a repaired body: the operator vouches for it, and the consumer checks that.
    expect(delivered && delivered.properties.headers?.[OPERATOR_SIGNATURE_HEADER]).toBe(
      operatorSignatureOf(OPERATOR_TOKEN, JSON.stringify(repaired)),
    );
  });

  it('when a repaired replay is asked for without an operator token, or with a repair its consumer would refuse, then one line says why, exit 1, and the dead letter stays', async () => {
    const broken = aDebitCommand(-5);
    const brokenId = await park(JSON.stringify(broken), broken.id);

    const unsigned = await overRabbitMq(
      ['replay', brokenId, '--message', '-'],
      JSON.stringify({ ...broken, payload: { ...(broken.payload as object), amount: 500 } }),
      '',
    );
    const stillBroken = await overRabbitMq(
      ['replay', brokenId, '--message', '-'],
      JSON.stringify({ ...broken, payload: { ...(broken.payload as object), amount: 0 } }),
    );
    const after = await overRabbitMq(['list', '--json', '--service', 'account']);

    expect(unsigned).toMatchObject({ code: 1, stdout: '' });
    expect(unsigned.stderr).toMatch(/^dlq: a repaired message is signed with the operator token: set OPERATOR_TOKEN/);
    expect(stillBroken).toMatchObject({ code: 1, stdout: '' });
    expect(stillBroken.stderr).toMatch(/^dlq: The repaired message would be refused: .*amount/);
    expect((JSON.parse(after.stdout) as Array<{ id: string }>).map((letter) => letter.id)).toContain(brokenId);
  });

  it('when an id is unknown or the broker cannot be reached, then exit 1 with one line', async () => {
    const missing = randomUUID();

    const unknown = await overRabbitMq(['replay', missing]);
    const unreachable = await cli(['list', '--broker', 'amqp://guest:secret@127.0.0.1:1']);

    expect(unknown).toEqual({ code: 1, stdout: '', stderr: `dlq: no dead letter with id ${missing}\n` });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^dlq: RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
  });

  it('when the broker and namespace come from BROKER_URL and BROKER_NAMESPACE instead of flags, then the same DLQs are read', async () => {
    const id = await park('{"still": "broken"}');

    const shown = await cli(['show', id, '--json'], { brokerUrl, brokerNamespace: namespace });

    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, consumerQueue: account.queue });
  });
});
