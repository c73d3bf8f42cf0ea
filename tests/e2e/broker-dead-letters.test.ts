import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type ChannelModel } from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MenuItem } from './support/api-client.js';
import { aCustomer, anIdempotencyKey } from './support/builders.js';
import { expectStatus } from './support/expectations.js';
import { isProductionMode } from './support/infrastructure.js';
import { signedBy } from './support/operator-credentials.js';
import { runCommand } from './support/run-command.js';
import { terminalSagaOf, type CustomerSession } from './support/sagas.js';
import { useSystemPerSuite } from './support/system-per-suite.js';
import { eventually } from './support/wait.js';

/**
 * Poison published straight to the broker (issue 4): a malformed message lands in its queue's DLQ with the error,
 * `npm run dlq` lists and shows it, and replays a repaired message (signed with the operator token), which then takes
 * effect. Anyone with the broker's credentials can publish to any queue: a message without its sender's signature, or
 * from a sender that may not send its type, is parked, never applied (issue 8). Production mode only.
 */

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface ListedDeadLetter {
  id: string;
  queue: string;
  service: string;
  messageId: string | null;
  messageType: string | null;
  error: string;
  attempts: number;
  message: unknown;
}

const anEnvelope = (destination: string, type: string, payload: unknown, source = 'customer'): Record<string, unknown> => ({
  id: randomUUID(),
  type,
  source,
  destination,
  correlationId: randomUUID(),
  causationId: null,
  occurredAt: new Date().toISOString(),
  headers: {},
  payload,
});

describe.skipIf(!isProductionMode())('poison messages published straight to RabbitMQ, and npm run dlq', () => {
  const { running, api } = useSystemPerSuite();
  let connection: ChannelModel | undefined;
  let buyer: CustomerSession;
  let item: MenuItem;
  let scratch: string;

  beforeAll(async () => {
    connection = await connect(running().brokerUrl ?? '');
    const menu = await api.menu();
    expectStatus(menu, 200);
    item = menu.body.items[0] as MenuItem;
    buyer = await api.signUp(aCustomer());
    expectStatus(await api.deposit(buyer.token, 10 * item.price, anIdempotencyKey()), 201);
    scratch = await mkdtemp(path.join(os.tmpdir(), 'e2e-dlq-'));
  });
  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** The documented command, against this system's broker. */
  const dlq = async (...args: string[]) => {
    // --data-dir: where the tool finds the operator token that signs a repaired replay.
    const result = await runCommand(
      'npm',
      ['run', '--silent', 'dlq', '--', ...args, '--broker', running().brokerUrl ?? '', '--data-dir', running().dataDir],
      {
        cwd: REPO_ROOT,
        timeoutMs: 60_000,
      },
    );
    return result;
  };
  const listed = async (): Promise<ListedDeadLetter[]> => {
    const result = await dlq('list', '--json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as ListedDeadLetter[];
  };
  const waitForDeadLetter = (matches: (letter: ListedDeadLetter) => boolean, what: string): Promise<ListedDeadLetter> =>
    eventually(async () => (await listed()).find(matches), { what, timeoutMs: 30_000, context: () => running().tail(40) });

  /** Straight into a queue through the default exchange, as a misbehaving producer would. */
  const publishRaw = async (queue: string, body: string, headers: Record<string, string> = {}): Promise<void> => {
    const channel = await (connection as ChannelModel).createConfirmChannel();
    try {
      channel.sendToQueue(queue, Buffer.from(body), { persistent: true, contentType: 'application/json', headers });
      await channel.waitForConfirms();
    } finally {
      await channel.close();
    }
  };

  it("when text that is not JSON is published to the order command queue, then it lands in that queue's DLQ with the error, and dlq show prints it", async () => {
    const marker = `not json ${randomUUID()}`;
    await publishRaw('ordering.order.commands', marker);

    const letter = await waitForDeadLetter((entry) => JSON.stringify(entry.message).includes(marker), 'the text message in a DLQ');
    expect(letter).toMatchObject({ queue: 'ordering.order.commands.dlq', service: 'order', messageType: null });
    expect(letter.error).toMatch(/JSON/i);
    expect(letter.attempts).toBeGreaterThanOrEqual(1);

    const shown = await dlq('show', letter.id, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: letter.id, error: letter.error });
  });

  it('when an event with an invalid payload reaches account, then it is dead-lettered; replayed repaired, it creates the account', async () => {
    const customerId = randomUUID();
    const broken = anEnvelope('account', 'customer.CustomerRegistered.v1', {
      customerId,
      role: 'emperor',
      registeredAt: new Date().toISOString(),
    });
    const body = JSON.stringify(broken);
    // Signed by the customer service, its one legitimate sender: what is wrong is its payload.
    await publishRaw('ordering.account.events', body, signedBy(running(), 'customer', body));

    const letter = await waitForDeadLetter((entry) => entry.messageId === broken['id'], 'the invalid CustomerRegistered in a DLQ');
    expect(letter).toMatchObject({
      queue: 'ordering.account.events.dlq',
      service: 'account',
      messageType: 'customer.CustomerRegistered.v1',
    });
    expect(letter.error).toMatch(/payload|role/i);

    const repairedFile = path.join(scratch, 'repaired.json');
    await writeFile(
      repairedFile,
      JSON.stringify({ ...broken, payload: { customerId, role: 'customer', registeredAt: new Date().toISOString() } }),
    );
    const replay = await dlq('replay', letter.id, '--message', repairedFile);
    expect(replay.code, `${replay.stdout}\n${replay.stderr}`).toBe(0);

    const client = new pg.Client({ connectionString: running().databaseUrl('account') });
    await client.connect();
    try {
      const account = await eventually(
        async () => (await client.query<{ balance: string }>('select balance from accounts where customer_id = $1', [customerId])).rows[0],
        { what: `the account of ${customerId} created by the replayed event`, timeoutMs: 30_000, context: () => running().tail(40) },
      );
      expect(Number(account.balance)).toBe(0);
    } finally {
      await client.end();
    }
    expect((await listed()).some((entry) => entry.id === letter.id)).toBe(false);
  });

  it.each([
    ['unsigned', (_body: string): Record<string, string> => ({}), /unauthenticated: the message is not signed/],
    [
      "signed with the order service's own key",
      (body: string) => signedBy(running(), 'order', body),
      /'order' may not send account\.RefundAccount\.v1/,
    ],
  ])(
    'when a RefundAccount for a paid order is published %s, then account parks it and no balance changes',
    async (_how, headersFor, error) => {
      const paid = await terminalSagaOf(
        api,
        buyer.token,
        await api.checkoutItems(buyer.token, [{ menuItemId: item.id, quantity: 1 }], { wait: 30 }),
        {
          context: () => running().tail(40),
        },
      );
      expect(paid.status).toBe('COMPLETED');
      const before = (await api.account(buyer.token)).body.balance;
      const forged = anEnvelope('account', 'account.RefundAccount.v1', { customerId: buyer.customer.id, orderId: paid.orderId }, 'order');
      const body = JSON.stringify(forged);

      await publishRaw('ordering.account.commands', body, headersFor(body));

      const letter = await waitForDeadLetter((entry) => entry.messageId === forged['id'], 'the forged RefundAccount in a DLQ');
      expect(letter).toMatchObject({ queue: 'ordering.account.commands.dlq', service: 'account' });
      expect(letter.error).toMatch(error);
      expect((await api.account(buyer.token)).body.balance).toBe(before);
    },
  );

  it('when unknown ids or bad arguments are given, then dlq fails with one line, no stack trace', async () => {
    const missing = await dlq('show', randomUUID());
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const usage = await dlq('frobnicate');
    expect(usage.code).toBe(64);
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });

  it('when the poison was parked, then a checkout still completes through two replicas of every service', async () => {
    const response = await api.checkoutItems(buyer.token, [{ menuItemId: item.id, quantity: 1 }], { wait: 30 });
    expect((await terminalSagaOf(api, buyer.token, response, { context: () => running().tail(40) })).status).toBe('COMPLETED');
  });
});
