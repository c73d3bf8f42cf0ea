import { beforeAll, describe, expect, it } from 'vitest';
import type { Account, Customer, LedgerEntry } from './support/api-client.js';
import { aCustomer, anIdempotencyKey } from './support/builders.js';
import { describeResponse, expectLedgerMatchesBalance, expectStatus } from './support/expectations.js';
import { HTTP_PROCESS_NAMES } from './support/system.js';
import { useSystemPerSuite } from './support/system-per-suite.js';
import { eventually } from './support/wait.js';

/**
 * kill -9 of any process: the launcher brings it back, nothing written before is lost, and writing works again.
 * Bounded waits only; nothing here asserts how fast a restart is.
 */
describe('crash recovery under the launcher', () => {
  const { running, api } = useSystemPerSuite();
  let customer: Customer;
  let email: string;
  let password: string;
  let tokenBeforeCrashes: string;
  /** What the data must look like after every crash: updated by each successful new write. */
  let expectedAccount: Account;
  let expectedLedger: LedgerEntry[];

  beforeAll(async () => {
    const details = aCustomer();
    ({ email, password } = details);
    const signedUp = await api.signUp(details);
    customer = signedUp.customer;
    tokenBeforeCrashes = signedUp.token;
    expectStatus(await api.deposit(tokenBeforeCrashes, 3000, anIdempotencyKey()), 201);
    expectStatus(await api.deposit(tokenBeforeCrashes, 250), 201);
    expectedAccount = (await api.account(tokenBeforeCrashes)).body;
    expectedLedger = await api.allEntries(tokenBeforeCrashes);
    expect(expectedAccount.balance).toBe(3250);
  });

  /** Through the gateway, once it answers /readyz: login, profile, balance and ledger are exactly as before. */
  const expectDataIntact = async (): Promise<string> => {
    await running().waitUntilReady(90_000);
    const login = await api.login(email, password);
    expectStatus(login, 200);
    const token = login.body.accessToken;
    const me = await api.me(token);
    expectStatus(me, 200);
    expect(me.body).toEqual(customer);
    const account = await api.account(token);
    expectStatus(account, 200);
    expect(account.body).toEqual(expectedAccount);
    const ledger = await api.allEntries(token);
    expect(ledger).toEqual(expectedLedger);
    expectLedgerMatchesBalance(account.body.balance, ledger);
    return token;
  };

  /** A new deposit succeeds and becomes part of what must survive the next crash. */
  const expectWritesWork = async (token: string, amount: number): Promise<void> => {
    const key = anIdempotencyKey();
    const deposit = await api.deposit(token, amount, key);
    expect(deposit.status, `${describeResponse(deposit)}\n${running().tail(40)}`).toBe(201);
    expect(deposit.body.account.balance).toBe(expectedAccount.balance + amount);
    const replay = await api.deposit(token, amount, key);
    expect(replay.body).toEqual(deposit.body);
    expectedAccount = deposit.body.account;
    expectedLedger = [deposit.body.entry, ...expectedLedger];
    const registered = await api.register(aCustomer());
    expectStatus(registered, 201);
  };

  it.each(HTTP_PROCESS_NAMES.map((name, i) => [name, 100 + i] as const))(
    'when %s is killed with SIGKILL, then it is restarted, the data is intact and new writes work',
    async (name, amount) => {
      const sys = running();
      const before = sys.processState(name);
      const killedPid = sys.killProcess(name, 'SIGKILL');
      const after = await sys.waitForRestart(name, killedPid, 90_000);
      expect(after.pid).not.toBe(killedPid);
      expect(after.restarts, sys.crashReport(name)).toBe(before.restarts + 1);
      const token = await expectDataIntact();
      await expectWritesWork(token, amount);
    },
  );

  it('when the customer service was restarted, then a token issued before the crashes is still accepted', async () => {
    const me = await api.me(tokenBeforeCrashes);
    expectStatus(me, 200);
    expect(me.body.id).toBe(customer.id);
  });

  it('when the embedded PostgreSQL is killed with SIGKILL, then it is restarted, the services recover and the data is intact', async (context) => {
    const sys = running();
    // With TEST_DATABASE_URL the system uses an external server that is not ours to kill.
    if (sys.externalPostgres)
      context.skip('runs on an external PostgreSQL (TEST_DATABASE_URL): not killing a server the suite does not own');
    const servicePids = () => Object.fromEntries(HTTP_PROCESS_NAMES.map((name) => [name, sys.processState(name).pid]));
    const pidsBefore = servicePids();
    const killedPid = sys.killProcess('postgres', 'SIGKILL');
    const after = await sys.waitForRestart('postgres', killedPid, 120_000);
    expect(after.restarts).toBe(1);
    // The services' pools reconnect on their own; the gateway's /readyz covers every upstream.
    const token = await eventually(
      async () => {
        const login = await api.login(email, password);
        return login.status === 200 ? login.body.accessToken : undefined;
      },
      { what: 'a login to succeed after the PostgreSQL restart', timeoutMs: 90_000, context: () => sys.tail(60) },
    );
    expect(token).toBeTruthy();
    const fresh = await expectDataIntact();
    await expectWritesWork(fresh, 777);
    // The services outlive the database outage: their pools reconnect (tools/launcher/README.md), nothing crashed.
    const pidsAfter = servicePids();
    const crashed = HTTP_PROCESS_NAMES.filter((name) => pidsAfter[name] !== pidsBefore[name]);
    expect(crashed, crashed.map((name) => sys.crashReport(name)).join('\n')).toEqual([]);
  });

  it('when every crash is over, then each process runs under its own pid and the state file says ready', async () => {
    const state = running().state();
    expect(state.status).toBe('ready');
    for (const entry of state.processes) expect(entry.pid, JSON.stringify(entry)).not.toBeNull();
    await running().waitUntilReady(30_000);
    const account = await api.account(tokenBeforeCrashes);
    expect(account.body).toEqual(expectedAccount);
  });
});
