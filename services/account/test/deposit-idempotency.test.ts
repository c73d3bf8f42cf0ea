import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useAccountService } from './support/use-account-service.js';
import { aCustomerId, aDepositRequest, anIdempotencyKey, SQL_METACHARACTERS } from './builders.js';

const service = useAccountService();

describe('deposits with an Idempotency-Key', () => {
  it('when the same deposit is repeated with its key, then it is applied once and the answer is the original', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const idempotencyKey = anIdempotencyKey();
    const first = await service.deposit(token, aDepositRequest(700), { idempotencyKey });
    const again = await service.deposit(token, aDepositRequest(700), { idempotencyKey });

    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await service.balanceOf(customerId)).toBe(700);
    expect(await service.countRows('ledger_entries', customerId)).toBe(1);
  });

  it('when the replay comes after other deposits, then it still answers with the original balance', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const idempotencyKey = anIdempotencyKey();
    const first = await service.deposit(token, aDepositRequest(100), { idempotencyKey });
    await service.deposit(token, aDepositRequest(50));
    const replay = await service.deposit(token, aDepositRequest(100), { idempotencyKey });
    expect(replay.json()).toEqual(first.json());
    expect(await service.balanceOf(customerId)).toBe(150);
  });

  it('when a key is reused with another body, then it is a 422 IDEMPOTENCY_KEY_REUSED and nothing changes', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const idempotencyKey = anIdempotencyKey();
    await service.deposit(token, aDepositRequest(100), { idempotencyKey });

    const reused = await service.deposit(token, aDepositRequest(200), { idempotencyKey });
    expect(reused.statusCode).toBe(422);
    expect(reused.headers['content-type']).toContain('application/problem+json');
    expect(reused.json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await service.balanceOf(customerId)).toBe(100);
    expect(await service.countRows('ledger_entries', customerId)).toBe(1);
  });

  it('when the same key is sent 10 times at once, then exactly one deposit happens and all ten answers are identical', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const idempotencyKey = anIdempotencyKey();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => service.deposit(token, aDepositRequest(1_000), { idempotencyKey })),
    );

    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    const bodies = responses.map((r) => r.json());
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    expect(await service.balanceOf(customerId)).toBe(1_000);
    expect(await service.countRows('ledger_entries', customerId)).toBe(1);
    expect(await service.countRows('idempotency_keys', customerId)).toBe(1);
  });

  it('when duplicates arrive while the first is still in its transaction, then they wait for it and replay its answer', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    await service.getMe(token);
    // Hold the account row so the first deposit stops mid-transaction, after claiming its key.
    const blocker = await service.database.pool.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select 1 from accounts where customer_id = $1 for update', [customerId]);
      const idempotencyKey = anIdempotencyKey();
      const pending = Promise.all(Array.from({ length: 10 }, () => service.deposit(token, aDepositRequest(250), { idempotencyKey })));
      // One request waits on the account row, the nine others on the first one's key row.
      await waitUntilBlockedBackends(10);
      await blocker.query('commit');
      const responses = await pending;

      expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
      const bodies = responses.map((r) => r.json());
      for (const body of bodies) expect(body).toEqual(bodies[0]);
      expect(await service.balanceOf(customerId)).toBe(250);
      expect(await service.countRows('ledger_entries', customerId)).toBe(1);
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      blocker.release();
    }
  });

  it('when a key is older than 24 hours, then it is free again and the deposit happens anew', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const idempotencyKey = anIdempotencyKey();
    const first = await service.deposit(token, aDepositRequest(100), { idempotencyKey });
    await service.database.pool.query("update idempotency_keys set created_at = now() - interval '25 hours' where customer_id = $1", [
      customerId,
    ]);

    const later = await service.deposit(token, aDepositRequest(100), { idempotencyKey });
    expect(later.statusCode).toBe(201);
    expect(later.json().entry.id).not.toBe(first.json().entry.id);
    expect(await service.balanceOf(customerId)).toBe(200);
  });

  it('when two customers use the same key, then each deposit is applied independently', async () => {
    const alice = aCustomerId();
    const bob = aCustomerId();
    const idempotencyKey = anIdempotencyKey();
    const forAlice = await service.deposit(await service.tokenFor(alice), aDepositRequest(300), { idempotencyKey });
    const forBob = await service.deposit(await service.tokenFor(bob), aDepositRequest(400), { idempotencyKey });

    expect([forAlice.statusCode, forBob.statusCode]).toEqual([201, 201]);
    expect(forBob.json().entry.id).not.toBe(forAlice.json().entry.id);
    expect(await service.balanceOf(alice)).toBe(300);
    expect(await service.balanceOf(bob)).toBe(400);
  });

  it('when different keys are used, then each deposit is applied', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    await service.deposit(token, aDepositRequest(100), { idempotencyKey: anIdempotencyKey() });
    await service.deposit(token, aDepositRequest(100), { idempotencyKey: anIdempotencyKey() });
    expect(await service.balanceOf(customerId)).toBe(200);
  });

  it('when the key holds SQL metacharacters, then it is just a key', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const first = await service.deposit(token, aDepositRequest(10), { idempotencyKey: SQL_METACHARACTERS });
    const replay = await service.deposit(token, aDepositRequest(10), { idempotencyKey: SQL_METACHARACTERS });
    expect(first.statusCode).toBe(201);
    expect(replay.json()).toEqual(first.json());
    expect(await service.balanceOf(customerId)).toBe(10);
    expect(await service.countRows('ledger_entries', customerId)).toBe(1);
  });

  it('when the key is 255 characters, then it is accepted', async () => {
    const response = await service.deposit(await service.tokenFor(aCustomerId()), aDepositRequest(), { idempotencyKey: 'k'.repeat(255) });
    expect(response.statusCode).toBe(201);
  });

  it.each([
    ['256 characters', 'k'.repeat(256)],
    ['empty', ''],
  ])('when the key is %s, then it is a 400 and nothing is deposited', async (_label, idempotencyKey) => {
    const customerId = aCustomerId();
    const response = await service.deposit(await service.tokenFor(customerId), aDepositRequest(), { idempotencyKey });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await service.balanceOf(customerId)).toBeUndefined();
    expect(await service.countRows('idempotency_keys', customerId)).toBe(0);
  });

  it('when a deposit with a key is refused as invalid, then the key stays free for a valid request', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const idempotencyKey = anIdempotencyKey();
    expect((await service.deposit(token, { amount: 0 }, { idempotencyKey })).statusCode).toBe(400);
    expect((await service.deposit(token, aDepositRequest(5), { idempotencyKey })).statusCode).toBe(201);
    expect(await service.balanceOf(customerId)).toBe(5);
  });
});

const waitUntilBlockedBackends = async (count: number): Promise<void> => {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const result = await service.database.pool.query<{ waiting: number }>(
      "select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
    );
    if (result.rows[0]?.waiting === count) return;
    await sleep(20);
  }
  throw new Error(`expected ${count} backends to wait on locks`);
};
