import { setTimeout as sleep } from 'node:timers/promises';
import type { Envelope } from '@ordering/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransportUnavailableError } from '../../../src/index.js';
import * as schema from '../../fixtures/schema.js';
import { aDebitCommand, someDebitCommands, type DebitPayload } from '../../builders.js';
import {
  brokerConnectedGauge,
  consumedCount,
  ledgerCountFor,
  startAmqpNode,
  startTcpProxy,
  TEST_BROKER_URL,
  useTestNamespace,
  type AmqpNode,
  type TcpProxy,
} from './broker-harness.js';
import {
  capturingLogger,
  eventually,
  metricValue,
  outboxRowsOf,
  startTestDatabase,
  statusCounts,
  type TestDatabaseHandle,
  type TestTx,
} from '../../messaging-harness.js';

/**
 * A debit handler whose first run waits for `release()`: then it throws (`firstFails`), or it had already written
 * its ledger row and now commits. Later runs apply the debit at once.
 */
const gatedDebitHandler = ({ firstFails }: { firstFails: boolean }) => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let calls = 0;
  const handler = {
    type: 'account.DebitAccount.v1',
    async handle(tx: TestTx, envelope: Envelope<DebitPayload>) {
      calls += 1;
      const first = calls === 1;
      if (first && firstFails) {
        await gate;
        throw new Error('the first run fails after its channel died');
      }
      await tx.insert(schema.ledger).values({ messageId: envelope.id, orderId: envelope.payload.orderId, amount: envelope.payload.amount });
      if (first) await gate;
    },
  };
  return { handler, release: () => release(), calls: () => calls };
};

// Each test waits up to 15–20 s several times; the default 30 s limit would cut its own clearer message short.
describe.skipIf(!TEST_BROKER_URL)('amqp recovery', { timeout: 90_000 }, () => {
  const broker = useTestNamespace();
  const { namespace, commands } = broker;
  let handle: TestDatabaseHandle;
  // The node reaches RabbitMQ through this proxy, so a test can take the network away and give it back.
  let proxy: TcpProxy;
  let node: AmqpNode | undefined;

  beforeEach(async () => {
    handle = await startTestDatabase();
    proxy = await startTcpProxy(TEST_BROKER_URL);
  });

  afterEach(async () => {
    await node?.stop();
    node = undefined;
    await proxy.close();
    await handle.close();
  });

  /** Takes the network away for a moment and waits until the node is connected again. */
  const dropConnectionBriefly = async (): Promise<void> => {
    proxy.cut();
    await sleep(100);
    proxy.restore();
    await eventually(async () => node!.messaging.broker!.isConnected(), Boolean);
  };

  const ledgerRows = (): Promise<number> => handle.count('select count(*) from ledger');
  const distinctApplied = (): Promise<number> => handle.count('select count(distinct message_id) from ledger');

  it('when the broker is unreachable, then publish fails fast as unavailable, outbox rows stay PENDING without attempts, and go out once it is reachable', async () => {
    proxy.cut();
    const { logger, lines } = capturingLogger('info');
    node = await startAmqpNode(handle, { namespace, brokerUrl: proxy.urlFor(TEST_BROKER_URL), logger, awaitConnection: false });

    await expect(node.messaging.transport.publish(aDebitCommand())).rejects.toThrow(TransportUnavailableError);
    const command = aDebitCommand();
    // What an HTTP request does: commit to the outbox and wake the relay. It succeeds while the broker is away.
    await handle.enqueue([command]);
    node.messaging.wake();
    await eventually(
      async () => lines.some((line) => line['msg'] === 'transport unavailable, outbox messages stay pending until it is back'),
      Boolean,
    );
    await sleep(300); // a few more relay passes: none may count an attempt

    expect(await outboxRowsOf(handle)).toEqual([expect.objectContaining({ status: 'PENDING', attempts: 0, lastError: null })]);
    expect(await brokerConnectedGauge(node.metrics)).toBe(0);

    proxy.restore();
    await eventually(
      () => ledgerCountFor(handle, command.id),
      (count) => count === 1,
    );
    // The relay marks the row after the broker's confirm, which can come after the consumer has already committed.
    await eventually(
      () => outboxRowsOf(handle),
      (rows) => rows.every((row) => row.status === 'SENT'),
    );
    expect(await outboxRowsOf(handle)).toEqual([expect.objectContaining({ status: 'SENT', attempts: 0 })]);
    expect(await brokerConnectedGauge(node.metrics)).toBe(1);
  });

  it('when the connection drops while messages are in flight, then it reconnects, the consumer recovers and every message takes effect exactly once', async () => {
    const { logger, lines } = capturingLogger('info');
    const slowLedger = {
      type: 'account.DebitAccount.v1',
      async handle(tx: TestTx, envelope: Envelope<DebitPayload>) {
        await sleep(5);
        await tx
          .insert(schema.ledger)
          .values({ messageId: envelope.id, orderId: envelope.payload.orderId, amount: envelope.payload.amount });
      },
    };
    node = await startAmqpNode(handle, { namespace, brokerUrl: proxy.urlFor(TEST_BROKER_URL), logger, handlers: [slowLedger] });
    const batch = someDebitCommands(150);

    await handle.enqueue(batch);
    node.messaging.wake();
    await eventually(ledgerRows, (count) => count >= 20, 20_000);
    proxy.cut();
    await sleep(100);
    proxy.restore();

    await eventually(distinctApplied, (count) => count === batch.length, 20_000);
    await eventually(
      () => statusCounts(handle),
      (counts) => counts['SENT'] === batch.length,
    );
    expect(await ledgerRows()).toBe(batch.length);
    expect(lines.some((line) => line['msg'] === 'broker connection lost, reconnecting with backoff')).toBe(true);
    expect(lines.some((line) => line['msg'] === 'broker connection restored, topology declared and consumers resubscribed')).toBe(true);
  });

  it('when the consumer channel dies while a handler fails, then the broker redelivers the message flagged, and it counts as a redelivery though the inbox never had it', async () => {
    const gated = gatedDebitHandler({ firstFails: true });
    node = await startAmqpNode(handle, { namespace, brokerUrl: proxy.urlFor(TEST_BROKER_URL), handlers: [gated.handler] });
    const command = aDebitCommand();

    await node.messaging.transport.publish(command);
    await eventually(
      async () => gated.calls(),
      (count) => count === 1,
    );
    expect(await metricValue(node.metrics, 'messages_redelivered_total')).toBe(0);
    await dropConnectionBriefly(); // the broker requeues the unacked delivery and marks it redelivered
    gated.release();

    await eventually(
      () => ledgerCountFor(handle, command.id),
      (count) => count === 1,
    );
    await eventually(
      () => metricValue(node!.metrics, 'messages_redelivered_total', { type: 'account.DebitAccount.v1' }),
      (count) => count === 1,
    );
    expect(await consumedCount(node.metrics, 'duplicate')).toBe(0);
  });

  it('when the consumer channel dies before a delivery is acked, then the late ack is ignored and the redelivery is a duplicate: applied once', async () => {
    const gated = gatedDebitHandler({ firstFails: false });
    node = await startAmqpNode(handle, { namespace, brokerUrl: proxy.urlFor(TEST_BROKER_URL), handlers: [gated.handler] });
    const command = aDebitCommand();

    await node.messaging.transport.publish(command);
    await eventually(
      async () => gated.calls(),
      (count) => count === 1,
    );
    await dropConnectionBriefly(); // the channel the delivery came on is gone; the broker requeues the unacked delivery
    gated.release(); // the first handler commits now and tries to ack on its dead channel

    await eventually(
      () => consumedCount(node!.metrics, 'duplicate'),
      (count) => count === 1,
    );
    // The first delivery counts its outcome once its commit returns, which can be after the duplicate was seen.
    await eventually(
      () => consumedCount(node!.metrics, 'processed'),
      (count) => count === 1,
    );
    expect(await ledgerCountFor(handle, command.id)).toBe(1);
    // A duplicate that the broker also flagged redelivered is one redelivery, not two.
    expect(await metricValue(node.metrics, 'messages_redelivered_total')).toBe(1);
    await node.stop();
    node = undefined;
    expect((await broker.admin.channel.checkQueue(commands)).messageCount).toBe(0);
  });
});
