import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aDebitCommand } from '../builders.js';
import { createTestConsumer, ledgerHandler, refusedDataHandler, startTestDatabase, type TestDatabaseHandle } from '../messaging-harness.js';

let handle: TestDatabaseHandle;

beforeAll(async () => {
  handle = await startTestDatabase();
});

afterAll(async () => {
  await handle?.close();
});

const ledgerRowsFor = (messageId: string) => handle.count('select count(*) from ledger where message_id = $1', [messageId]);
const attemptsFor = (messageId: string) =>
  handle.count('select coalesce(max(attempts), 0) as count from message_attempts where message_id = $1', [messageId]);

const pgError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('consumer runtime', () => {
  it('when the same envelope is consumed twice, then the effect is applied once and the second is a duplicate', async () => {
    const consumer = createTestConsumer(handle);
    const command = aDebitCommand();

    const first = await consumer.consume(JSON.stringify(command));
    const second = await consumer.consume(command);

    expect(first.outcome).toBe('processed');
    expect(second.outcome).toBe('duplicate');
    expect(await ledgerRowsFor(command.id)).toBe(1);
  });

  it('when the same envelope arrives many times at once, then exactly one delivery applies it', async () => {
    const consumer = createTestConsumer(handle);
    const command = aDebitCommand();

    const results = await Promise.all(Array.from({ length: 8 }, () => consumer.consume(JSON.stringify(command))));

    expect(results.filter((r) => r.outcome === 'processed')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(7);
    expect(await ledgerRowsFor(command.id)).toBe(1);
  });

  it('when a handler throws on every attempt, then it is retried and dead-lettered after maxAttempts with the count and the error', async () => {
    const handler = ledgerHandler({ failTimes: Infinity, failWith: () => new Error('the ledger is on fire') });
    const consumer = createTestConsumer(handle, { handlers: [handler], maxAttempts: 3 });
    const command = aDebitCommand();

    const outcomes = [];
    for (let i = 0; i < 3; i += 1) outcomes.push((await consumer.consume(JSON.stringify(command))).outcome);

    expect(outcomes).toEqual(['retry', 'retry', 'dead-lettered']);
    expect(handler.calls).toBe(3);
    const letters = await handle.database.pool.query(
      'select attempts, error, message_type, message from dead_letters where message_id = $1',
      [command.id],
    );
    expect(letters.rows).toHaveLength(1);
    expect(letters.rows[0]).toMatchObject({ attempts: 3, message_type: command.type, message: command });
    expect(letters.rows[0].error).toContain('the ledger is on fire');
    expect(await ledgerRowsFor(command.id)).toBe(0);
  });

  it('when the sender resends a message that is already parked, then it is acknowledged as dead-lettered without a second dead letter', async () => {
    const consumer = createTestConsumer(handle, { handlers: [ledgerHandler({ failTimes: Infinity })], maxAttempts: 2 });
    const command = aDebitCommand();

    for (let i = 0; i < 4; i += 1) await consumer.consume(JSON.stringify(command));

    expect(await handle.count('select count(*) from dead_letters where message_id = $1', [command.id])).toBe(1);
    expect(await handle.count('select attempts as count from dead_letters where message_id = $1', [command.id])).toBe(4);
  });

  it('when a handler fails twice and then succeeds, then the message is processed once', async () => {
    const handler = ledgerHandler({ failTimes: 2 });
    const consumer = createTestConsumer(handle, { handlers: [handler], maxAttempts: 5 });
    const command = aDebitCommand();

    const outcomes = [];
    for (let i = 0; i < 4; i += 1) outcomes.push((await consumer.consume(JSON.stringify(command))).outcome);

    expect(outcomes).toEqual(['retry', 'retry', 'processed', 'duplicate']);
    expect(await ledgerRowsFor(command.id)).toBe(1);
    expect(await handle.count('select count(*) from dead_letters where message_id = $1', [command.id])).toBe(0);
  });

  it.each([
    ['connection refused', () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['an administrator shutdown', () => pgError('57P01', 'terminating connection due to administrator command')],
    ['a database that is starting', () => pgError('57P03', 'the database system is starting up')],
    ['a terminated connection', () => new Error('Connection terminated unexpectedly')],
    ['a connect timeout', () => new Error('timeout exceeded when trying to connect')],
  ])('when the database is unreachable (%s), then the outcome is retry and no attempt is counted', async (_case, failWith) => {
    const consumer = createTestConsumer(handle, { handlers: [ledgerHandler({ failTimes: Infinity, failWith })], maxAttempts: 1 });
    const command = aDebitCommand();

    const result = await consumer.consume(JSON.stringify(command));

    expect(result.outcome).toBe('retry');
    expect(await attemptsFor(command.id)).toBe(0);
    expect(await handle.count('select count(*) from dead_letters where message_id = $1', [command.id])).toBe(0);
  });

  it('when a handler hits serialization failures and deadlocks, then they are retried in-process without counting an attempt', async () => {
    let failures = 0;
    const handler = ledgerHandler({
      failTimes: 2,
      failWith: () => pgError(failures++ === 0 ? '40001' : '40P01', 'could not serialize access'),
    });
    const consumer = createTestConsumer(handle, { handlers: [handler], maxAttempts: 1 });
    const command = aDebitCommand();

    const result = await consumer.consume(JSON.stringify(command));

    expect(result.outcome).toBe('processed');
    expect(handler.calls).toBe(3);
    expect(await attemptsFor(command.id)).toBe(0);
    expect(await ledgerRowsFor(command.id)).toBe(1);
  });

  const deadLetterOf = async (messageId: string) =>
    (
      await handle.database.pool.query<{ attempts: number; error: string }>(
        'select attempts, error from dead_letters where message_id = $1',
        [messageId],
      )
    ).rows;

  it.each([
    ['the envelope id', (urn: string) => aDebitCommand({ id: urn })],
    ['the correlation id', (urn: string) => aDebitCommand({ correlationId: urn })],
    ['a payload id', (urn: string) => aDebitCommand({}, { orderId: urn })],
  ])(
    'when %s is a urn:uuid (valid for ajv-formats, refused by PostgreSQL), then it is dead-lettered on its first delivery',
    async (_case, build) => {
      const handler = ledgerHandler();
      const consumer = createTestConsumer(handle, { handlers: [handler], maxAttempts: 5 });
      const command = build(`urn:uuid:${randomUUID()}`);

      const result = await consumer.consume(JSON.stringify(command));

      expect(result.outcome).toBe('dead-lettered');
      expect(result.error).toMatch(/must match pattern/);
      expect(handler.calls).toBe(0);
      const parked = await handle.database.pool.query<{ attempts: number }>('select attempts from dead_letters where id = $1', [
        result.deadLetterId,
      ]);
      expect(parked.rows).toEqual([{ attempts: 1 }]);
    },
  );

  it.each([
    ['22P02 invalid text representation', "select 'not a number'::integer"],
    ['22008 a date that does not exist', "select '2026-02-30T00:00:00Z'::timestamptz"],
    ['22003 a number out of range', 'select 2147483648::integer'],
  ])(
    'when a handler fails with a PostgreSQL data exception (%s), then the message is dead-lettered at once, not retried',
    async (_case, query) => {
      const handler = refusedDataHandler(query);
      const consumer = createTestConsumer(handle, { handlers: [handler], maxAttempts: 5 });
      const command = aDebitCommand();

      const result = await consumer.consume(JSON.stringify(command));

      expect(result.outcome).toBe('dead-lettered');
      expect(handler.calls).toBe(1);
      const [parked] = await deadLetterOf(command.id);
      expect(parked?.attempts).toBe(1);
      expect(parked?.error).toMatch(/no retry can fix/);
    },
  );

  it('when a handler fails with an error that is not about the data, then it is still retried', async () => {
    const handler = ledgerHandler({ failTimes: 1, failWith: () => pgError('23505', 'duplicate key value violates unique constraint') });
    const consumer = createTestConsumer(handle, { handlers: [handler], maxAttempts: 5 });
    const command = aDebitCommand();

    const outcomes = [];
    for (let i = 0; i < 2; i += 1) outcomes.push((await consumer.consume(JSON.stringify(command))).outcome);

    expect(outcomes).toEqual(['retry', 'processed']);
    expect(await deadLetterOf(command.id)).toEqual([]);
  });

  it('when a handler is registered for a type outside the catalog, then creating the consumer fails loudly', () => {
    expect(() => createTestConsumer(handle, { handlers: [{ type: 'account.Nonsense.v1', handle: async () => undefined }] })).toThrow(
      /not in the message catalog/,
    );
  });
});
