import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Account, Customer, Deposit, LedgerEntry, MenuItem, Page } from './support/api-client.js';
import { describeResponse, expectCustomerShape, expectMenuItemShape, expectProblem, ISO_UTC, UUID } from './support/expectations.js';
import { decodeJwt, JWT_SHAPE } from './support/jwt.js';
import { codeBlockUnder, inlineCodeAfter, readReadme, splitJsonValues } from './support/readme.js';
import { runCommand, type CommandResult } from './support/run-command.js';
import { useSystemPerSuite } from './support/system-per-suite.js';

/**
 * The README's walk-through, run verbatim (only `localhost:8080` is pointed at this test's gateway), proves that what a
 * newcomer copies into a terminal works and prints what docs/api.md promises.
 */
describe('README walk-through', () => {
  const { running: runningSystem, api: client } = useSystemPerSuite();
  const readme = readReadme();
  const script = codeBlockUnder(readme, '## Walk-through');
  let run: CommandResult | undefined;
  let printed: unknown[] = [];

  it('when the walk-through block is extracted, then it targets the documented gateway address and uses only curl and jq', () => {
    expect(script).toContain('localhost:8080');
    const commands = script
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('-'));
    for (const line of commands) expect(line, `walk-through line: ${line}`).toMatch(/^(curl |TOKEN=\$\(curl )/);
  });

  it('when the walk-through runs verbatim with bash -euo pipefail, then every command succeeds', async () => {
    const { gatewayUrl, dataDir } = runningSystem();
    const adapted = script.replaceAll('localhost:8080', new URL(gatewayUrl).host);
    const file = path.join(dataDir, 'walkthrough.sh');
    await writeFile(file, `${adapted}\n`);
    // -x traces every command to stderr, so the assertions can say which one did not run.
    run = await runCommand('bash', ['-euo', 'pipefail', '-x', file], { timeoutMs: 60_000 });
    const what = `exit ${run.code} (signal ${run.signal})\n--- stdout ---\n${run.stdout}\n--- stderr (xtrace) ---\n${run.stderr}`;
    expect(run.code, what).toBe(0);
    const topLevelCommands = run.stderr.split('\n').filter((line) => /^\+ (curl|TOKEN=)/.test(line));
    expect(topLevelCommands, what).toHaveLength(7);
    const split = splitJsonValues(run.stdout);
    expect(split.junk, `output that is not JSON\n${what}`).toEqual([]);
    printed = split.values;
    expect(printed, `six JSON bodies: registration, me, menu, deposit, balance, ledger\n${what}`).toHaveLength(6);
  });

  it('when the walk-through registers Aiko, then it prints a Customer with the email as given', () => {
    const customer = printed[0] as Customer;
    expectCustomerShape(customer);
    expect(customer).toMatchObject({ name: 'Aiko', email: 'aiko@example.com', role: 'customer' });
  });

  it('when the walk-through logs in, then TOKEN holds an access token for that customer', () => {
    const assignment = /^\+ TOKEN=(.*)$/m.exec(run?.stderr ?? '');
    expect(assignment, run?.stderr).not.toBeNull();
    const token = assignment?.[1] ?? '';
    expect(token).toMatch(JWT_SHAPE);
    const { header, claims } = decodeJwt(token);
    expect(header['alg']).toMatch(/^(ES256|EdDSA)$/);
    expect(claims).toMatchObject({ sub: (printed[0] as Customer).id, role: 'customer', exp: expect.any(Number) });
  });

  it('when the walk-through asks who am I, then it prints the registered customer', () => {
    expect(printed[1]).toEqual(printed[0]);
  });

  it('when the walk-through reads the menu, then it prints at least 4 foods and 4 drinks', () => {
    const menu = printed[2] as { items: MenuItem[] };
    expect(Array.isArray(menu.items), JSON.stringify(menu)).toBe(true);
    menu.items.forEach(expectMenuItemShape);
    expect(menu.items.filter((item) => item.kind === 'food').length).toBeGreaterThanOrEqual(4);
    expect(menu.items.filter((item) => item.kind === 'drink').length).toBeGreaterThanOrEqual(4);
  });

  it('when the walk-through deposits 5000 yen, then it prints the account and its DEPOSIT entry', () => {
    const customer = printed[0] as Customer;
    const deposit = printed[3] as Deposit;
    expect(deposit).toEqual({
      account: { customerId: customer.id, balance: 5000, currency: 'JPY', updatedAt: expect.stringMatching(ISO_UTC) },
      entry: {
        id: expect.stringMatching(UUID),
        kind: 'DEPOSIT',
        amount: 5000,
        balanceAfter: 5000,
        createdAt: expect.stringMatching(ISO_UTC),
      },
    });
  });

  it('when the walk-through deposit is retried with the same key and body, then the answer is the original 201 and nothing is deposited again', async () => {
    const login = await client.login('aiko@example.com', 'correct horse battery');
    expect(login.status, describeResponse(login)).toBe(200);
    const replay = await client.deposit(login.body.accessToken, 5000, 'first-top-up');
    expect(replay.status, describeResponse(replay)).toBe(201);
    expect(replay.body).toEqual(printed[3]);
    const account = await client.account(login.body.accessToken);
    expect(account.body.balance).toBe(5000);
  });

  it('when the walk-through reads the balance and the ledger, then they show 5000 yen and exactly one DEPOSIT', () => {
    const customer = printed[0] as Customer;
    const deposit = printed[3] as Deposit;
    expect(printed[4] as Account).toEqual(deposit.account);
    expect((printed[4] as Account).customerId).toBe(customer.id);
    const ledger = printed[5] as Page<LedgerEntry>;
    expect(ledger).toEqual({ items: [deposit.entry], nextCursor: null });
  });

  it('when the registration is repeated as the README describes, then the error matches the README example', async () => {
    const example = inlineCodeAfter(readme, 'Errors are RFC 9457').find((code) => code.startsWith('{'));
    expect(example, 'the README shows an example problem body after the walk-through').toBeDefined();
    const documented = JSON.parse(example ?? '{}') as Record<string, unknown>;
    const again = await client.register({ name: 'Aiko', email: 'aiko@example.com', password: 'correct horse battery' });
    const problem = expectProblem(again, 409, 'EMAIL_TAKEN');
    const { detail: _documentedDetail, ...documentedFields } = documented;
    expect(problem).toMatchObject(documentedFields);
  });
});
