import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findFreePort } from '@ordering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aDebitCommand,
  cli,
  deliver,
  emptyDataDir,
  startServiceSurfaces,
  type ServiceSurface,
  type ServiceSurfaces,
} from './dlq-harness.js';

let surfaces: ServiceSurfaces;

beforeAll(async () => {
  surfaces = await startServiceSurfaces(['account', 'order']);
});

afterAll(async () => {
  await surfaces?.stop();
});

const account = () => surfaces.services['account'] ?? expect.fail('no account service');
const order = () => surfaces.services['order'] ?? expect.fail('no order service');
const overHttp = (argv: string[], stdin = '') => cli(argv, { serviceUrls: surfaces.urls }, stdin);

interface ListedLetter {
  id: string;
  service: string;
  message: unknown;
  deadAt: string;
  replayedAt: string | null;
}

const listed = async (...extra: string[]): Promise<ListedLetter[]> => {
  const run = await overHttp(['list', '--json', ...extra]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as ListedLetter[];
};

/** Parks a body at a service (the consumer answers dead-lettered) and returns the dead letter's id: its newest. */
const parkAt = async (service: ServiceSurface, body: string): Promise<string> => {
  expect(await deliver(service, body)).toBe('dead-lettered');
  const [newest] = await listed('--service', service.name, '--limit', '1');
  return newest?.id ?? expect.fail(`nothing parked at ${service.name}`);
};

const writeTempFile = async (content: string): Promise<string> => {
  const file = path.join(await emptyDataDir(), 'repaired.json');
  await writeFile(file, content);
  return file;
};

describe("npm run dlq over the services' HTTP routes", () => {
  it('when garbage was parked at two services, then list merges their dead letters newest first, as a table or as JSON', async () => {
    const first = await parkAt(account(), `first garbage ${randomUUID()}`);
    const second = await parkAt(order(), `second garbage ${randomUUID()}`);
    const third = await parkAt(account(), `third garbage ${randomUUID()}`);

    const letters = await listed();
    const table = await overHttp(['list']);

    expect(letters.slice(0, 3).map((letter) => [letter.id, letter.service])).toEqual([
      [third, 'account'],
      [second, 'order'],
      [first, 'account'],
    ]);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+SERVICE\/QUEUE\s+TYPE\s+ATTEMPTS\s+DEAD AT\s+ERROR$/);
    expect(rows[0]).toMatch(new RegExp(`^${third}\\s+account\\s+-\\s+1\\s+\\S+\\s+The message body is not valid JSON`));
    expect(rows.every((row) => row.length < 240)).toBe(true);
  });

  it('when the list is filtered by service or limited, then only those come back', async () => {
    await parkAt(order(), `order garbage ${randomUUID()}`);
    await parkAt(account(), `account garbage ${randomUUID()}`);

    const orderOnly = await listed('--service', 'order');
    const two = await listed('--limit', '2');

    expect(new Set(orderOnly.map((letter) => letter.service))).toEqual(new Set(['order']));
    expect(two).toHaveLength(2);
  });

  it('when a dead letter is shown, then its error, attempts and the message as received are printed', async () => {
    const body = `shown garbage ${randomUUID()}`;
    const id = await parkAt(account(), body);

    const detail = await overHttp(['show', id]);
    const json = await overHttp(['show', id, '--json']);

    expect(detail.code).toBe(0);
    expect(detail.stdout).toMatch(new RegExp(`^id:\\s+${id}\n`));
    expect(detail.stdout).toMatch(/\nservice:\s+account\n/);
    expect(detail.stdout).toMatch(/error:\s+The message body is not valid JSON/);
    expect(detail.stdout).toContain(`"raw": "${body}"`);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id,
      service: 'account',
      attempts: 1,
      replayedAt: null,
      message: { raw: body },
      url: account().url,
    });
  });

  it('when a repaired message is replayed from a file, then the service processes it and the dead letter is marked replayed', async () => {
    const repaired = aDebitCommand(700);
    const id = await parkAt(account(), JSON.stringify(repaired).slice(0, -5));

    const run = await overHttp(['replay', id, '--message', await writeTempFile(JSON.stringify(repaired))]);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`replayed ${id} at account: message ${repaired.id} processed\n`);
    expect(surfaces.debits.handled.map((envelope) => envelope.id)).toContain(repaired.id);
    expect(JSON.parse((await overHttp(['show', id, '--json'])).stdout).replayedAt).toEqual(expect.any(String));
    expect((await overHttp(['list'])).stdout).toMatch(new RegExp(`${id}.*\\(replayed\\)`));
  });

  it('when a repaired message comes from standard input, then it is replayed', async () => {
    const repaired = aDebitCommand(900);
    const id = await parkAt(account(), JSON.stringify({ ...repaired, payload: { ...(repaired.payload as object), amount: -1 } }));

    const run = await overHttp(['replay', id, '--message', '-'], JSON.stringify(repaired));

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('processed');
    expect(surfaces.debits.handled.map((envelope) => envelope.id)).toContain(repaired.id);
  });

  it('when the original is replayed and fails again, then the new error is printed and the exit code is 1', async () => {
    const id = await parkAt(order(), `still garbage ${randomUUID()}`);

    const run = await overHttp(['replay', id]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^replayed ${id} at order: dead-lettered: The message body is not valid JSON.*\\n$`));
    expect(JSON.parse((await overHttp(['show', id, '--json'])).stdout).replayedAt).toBeNull();
  });

  it('when the repair file is not JSON, not an object or missing, then exit 64 and the dead letter is untouched', async () => {
    const id = await parkAt(account(), `untouched ${randomUUID()}`);

    const notJson = await overHttp(['replay', id, '--message', await writeTempFile('{"id": ')]);
    const notObject = await overHttp(['replay', id, '--message', '-'], '[1, 2]');
    const missing = await overHttp(['replay', id, '--message', '/nonexistent/repaired.json']);

    expect(notJson.code).toBe(64);
    expect(notJson.stderr).toMatch(/^dlq: the repaired message in .*repaired\.json is not valid JSON/);
    expect(notObject.stderr).toMatch(/^dlq: the repaired message in standard input must be a JSON object/);
    expect(missing.stderr).toMatch(/^dlq: cannot read the repaired message from \/nonexistent\/repaired\.json: ENOENT/);
    expect(missing.code).toBe(64);
    const letter = JSON.parse((await overHttp(['show', id, '--json'])).stdout) as ListedLetter;
    expect(letter).toMatchObject({ replayedAt: null, message: { raw: expect.stringContaining('untouched') } });
  });

  it('when an id is unknown, then show and replay exit 1 with one line', async () => {
    const missing = randomUUID();

    for (const argv of [
      ['show', missing],
      ['replay', missing],
      ['show', 'not-a-uuid'],
    ]) {
      const run = await overHttp(argv);
      expect(run).toEqual({ code: 1, stdout: '', stderr: `dlq: no dead letter with id ${argv[1]}\n` });
    }
  });

  it('when a service does not answer, then exit 1 with one line naming it', async () => {
    const port = await findFreePort();

    const run = await cli(['list'], { serviceUrls: { ...surfaces.urls, order: `http://127.0.0.1:${port}` } });

    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `dlq: the order service at http://127.0.0.1:${port} does not answer (ECONNREFUSED)\n`,
    });
  });

  it('when no service URL is known, then exit 1 with one line saying how to give one', async () => {
    const run = await cli(['list']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^dlq: no service to ask: no launcher state at .*launcher-state\.json \(is npm start running\?\); set CUSTOMER_URL, ORDER_URL, ACCOUNT_URL, ORCHESTRATOR_URL, or use --broker for RabbitMQ\n$/,
    );
  });

  it('when the launcher state file lists replicas, then one of each service is asked, preferring a replica that is up', async () => {
    const dataDir = await emptyDataDir();
    const entry = (name: string, url: string, pid: number | null) => ({ name, pid, port: 0, url, restarts: 0, command: 'x' });
    const down = `http://127.0.0.1:${await findFreePort()}`;
    await writeFile(
      path.join(dataDir, 'launcher-state.json'),
      JSON.stringify({
        launcherPid: process.pid,
        status: 'ready',
        gatewayUrl: 'http://127.0.0.1:1',
        updatedAt: new Date().toISOString(),
        processes: [
          { name: 'postgres', pid: 1, port: 5, url: null, restarts: 0, command: 'postgres' },
          entry('account', down, null),
          entry('account#1', account().url, 4242),
          entry('order', order().url, 4343),
        ],
      }),
    );

    const run = await cli(['list', '--json', '--data-dir', dataDir]);

    expect(run.code).toBe(0);
    expect(new Set((JSON.parse(run.stdout) as ListedLetter[]).map((letter) => letter.service))).toEqual(new Set(['account', 'order']));
  });

  it('when usage is wrong, then exit 64 with the usage on stderr', async () => {
    for (const argv of [[], ['help'], ['frobnicate'], ['list', '--limit', 'x']]) {
      const run = await overHttp(argv);
      expect(run.code).toBe(64);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('usage: npm run dlq -- <command> [options]');
    }
  });
});

describe('the dlq process', () => {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const run = async (argv: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['--conditions=development', '--import', 'tsx', 'tools/dlq/src/main.ts', ...argv],
        {
          cwd: repoRoot,
          env: { PATH: process.env['PATH'] ?? '', DATA_DIR: await emptyDataDir(), ...env },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  // Three node processes: slow on a busy machine, hence the longer timeout.
  it('when run as a process, then the exit codes are 0, 1 and 64 and a failure is one line, never a stack trace', async () => {
    const id = await parkAt(account(), `process garbage ${randomUUID()}`);
    const env = { ACCOUNT_URL: account().url, ORDER_URL: order().url };

    const shown = await run(['show', id], env);
    const unknown = await run(['show', randomUUID()], env);
    const usage = await run(['list', '--bogus'], env);

    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(id);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/^dlq: no dead letter with id \S+\n$/);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toMatch(/^dlq: Unknown option '--bogus'/);
  }, 90_000);
});
