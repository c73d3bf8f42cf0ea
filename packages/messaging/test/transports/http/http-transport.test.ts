import { randomUUID } from 'node:crypto';
import { createMetrics } from '@ordering/platform';
import { findFreePort, testSigningKeyOf } from '@ordering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpTransport,
  createMessageSigner,
  DeliveryFailedError,
  UnknownDestinationError,
  type Transport,
} from '../../../src/index.js';
import { aDebitCommand, someDebitCommands } from '../../builders.js';
import {
  ledgerHandler,
  refusedDataHandler,
  startService,
  startTestDatabase,
  testSignerOf,
  type RunningService,
  type TestDatabaseHandle,
} from '../../messaging-harness.js';

let handle: TestDatabaseHandle;
let replicaA: RunningService;
let replicaB: RunningService;
let unavailable: RunningService;
let refusing: RunningService;
/** Each replica's own handler: its runs count the messages that replica received (none of them fails). */
const handlerA = ledgerHandler();
const handlerB = ledgerHandler();

const transports: Transport[] = [];

/** By default the orchestrator's transport, which sends every command the builders make. */
const aTransport = (peers: Record<string, string[]>, signer = testSignerOf()): Transport => {
  const transport = createHttpTransport({ peers, timeoutMs: 2_000, signer });
  transports.push(transport);
  return transport;
};

beforeAll(async () => {
  handle = await startTestDatabase();
  replicaA = await startService(handle, { handlers: [handlerA], metrics: createMetrics('account') });
  replicaB = await startService(handle, { handlers: [handlerB], metrics: createMetrics('account') });
  // A receiver whose database is "down": every handler run fails as a connectivity problem, so it answers 503.
  const down = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  unavailable = await startService(handle, { handlers: [ledgerHandler({ failTimes: Infinity, failWith: down })] });
  refusing = await startService(handle, { handlers: [refusedDataHandler("select 'not a number'::integer")], maxAttempts: 5 });
});

afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await Promise.all([replicaA, replicaB, unavailable, refusing].map((s) => s?.close()));
  await handle?.close();
});

describe('HTTP transport', () => {
  it('when a destination has two replicas, then messages alternate between them', async () => {
    const transport = aTransport({ account: [replicaA.url, `${replicaB.url}/`] });
    const before = { a: handlerA.calls, b: handlerB.calls };

    for (const command of someDebitCommands(4)) await transport.publish(command);

    expect(handlerA.calls - before.a).toBe(2);
    expect(handlerB.calls - before.b).toBe(2);
  });

  it('when a replica refuses connections, then the next replica gets the message', async () => {
    const dead = `http://127.0.0.1:${await findFreePort()}`;
    const transport = aTransport({ account: [dead, replicaA.url] });
    const commands = someDebitCommands(3);

    for (const command of commands) await transport.publish(command);

    expect(await handle.count('select count(*) from ledger where message_id = any($1::uuid[])', [commands.map((c) => c.id)])).toBe(3);
  });

  it('when the receiver parks the message (202), then publish resolves: it was delivered and must not be resent', async () => {
    const transport = aTransport({ account: [replicaA.url] });
    const poison = aDebitCommand({}, { amount: -1 });

    await expect(transport.publish(poison)).resolves.toBeUndefined();
    expect(await handle.count('select count(*) from dead_letters where message_id = $1', [poison.id])).toBe(1);
  });

  const deadLetterAttempts = async (where: string, value: string): Promise<number[]> =>
    (await handle.database.pool.query<{ attempts: number }>(`select attempts from dead_letters where ${where} = $1`, [value])).rows.map(
      (row) => row.attempts,
    );

  it('when a message carries a urn:uuid id, then its first delivery parks it (202) with one attempt instead of looping through retries', async () => {
    const transport = aTransport({ account: [replicaA.url] });
    const inEnvelope = aDebitCommand({ id: `urn:uuid:${randomUUID()}` });
    const inPayload = aDebitCommand({}, { customerId: `urn:uuid:${randomUUID()}` });

    await expect(transport.publish(inEnvelope)).resolves.toBeUndefined();
    await expect(transport.publish(inPayload)).resolves.toBeUndefined();

    expect(await deadLetterAttempts("message->>'id'", inEnvelope.id)).toEqual([1]);
    expect(await deadLetterAttempts('message_id', inPayload.id)).toEqual([1]);
  });

  it('when the handler fails with a PostgreSQL data exception, then the first delivery parks it (202) instead of a 503 the relay would retry', async () => {
    const transport = aTransport({ account: [refusing.url] });
    const command = aDebitCommand();

    await expect(transport.publish(command)).resolves.toBeUndefined();

    expect(await deadLetterAttempts('message_id', command.id)).toEqual([1]);
  });

  it('when the receiver answers 503, then publish throws so the relay retries', async () => {
    const transport = aTransport({ account: [unavailable.url] });

    const failure = await transport.publish(aDebitCommand()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DeliveryFailedError);
    expect((failure as DeliveryFailedError).statusCode).toBe(503);
  });

  it('when the receiver has no message route (404), then publish throws', async () => {
    const transport = aTransport({ account: [`${replicaA.url}/not-here`] });

    await expect(transport.publish(aDebitCommand())).rejects.toMatchObject({ statusCode: 404 });
  });

  it('when every replica is down, then publish throws the connection error', async () => {
    const transport = aTransport({ account: [`http://127.0.0.1:${await findFreePort()}`] });

    await expect(transport.publish(aDebitCommand())).rejects.toThrow(/ECONNREFUSED|connect/);
  });

  it('when the orchestrator signs a push, then the receiver verifies it and applies it', async () => {
    const transport = aTransport({ account: [replicaA.url] });
    const command = aDebitCommand();

    await transport.publish(command);

    expect(await handle.count('select count(*) from ledger where message_id = $1', [command.id])).toBe(1);
  });

  it('when the sender signs with a key the receiver does not know, or not at all, then publish throws a 401 and the receiver consumed nothing', async () => {
    const [first, second] = [aDebitCommand(), aDebitCommand()];
    // The orchestrator's name, an attacker's key: the receiver checks the signature against the orchestrator's public key.
    const impostor = aTransport({ account: [replicaA.url] }, createMessageSigner('orchestrator', testSigningKeyOf('impostor')));
    const unsigned = aTransport({ account: [replicaA.url] }, createMessageSigner('orchestrator', undefined));

    const failures = [
      await impostor.publish(first).catch((error: unknown) => error),
      await unsigned.publish(second).catch((error: unknown) => error),
    ];

    for (const failure of failures) {
      expect(failure).toBeInstanceOf(DeliveryFailedError);
      expect(failure).toMatchObject({ statusCode: 401 });
    }
    expect(await handle.count('select count(*) from inbox_messages where message_id = any($1::uuid[])', [[first.id, second.id]])).toBe(0);
    expect(await handle.count('select count(*) from dead_letters where message_id = any($1::uuid[])', [[first.id, second.id]])).toBe(0);
  });

  it('when the destination is not configured, then publish throws a clear error naming it', async () => {
    const transport = aTransport({ order: ['http://127.0.0.1:1'] });

    const failure = await transport.publish(aDebitCommand()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(UnknownDestinationError);
    expect(String(failure)).toContain("destination 'account' (configured: order)");
  });
});
