import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, deliver, emptyDataDir, startServiceSurfaces, type ServiceSurfaces } from './dlq-harness.js';

const TOKEN = randomBytes(32).toString('base64url');

let surfaces: ServiceSurfaces;

beforeAll(async () => {
  surfaces = await startServiceSurfaces(['account', 'order'], { operatorToken: TOKEN });
});

afterAll(async () => {
  await surfaces?.stop();
});

/** A data directory as `npm start` leaves it for the tool: the token it generated, in `operator-token`. */
const aDataDirKeeping = async (token: string): Promise<string> => {
  const dataDir = await emptyDataDir();
  await writeFile(path.join(dataDir, 'operator-token'), `${token}\n`, { mode: 0o600 });
  return dataDir;
};

const expectOneLine = (stderr: string, pattern: RegExp): void => {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(pattern);
};

describe('npm run dlq against services that require the operator token', () => {
  it('when OPERATOR_TOKEN is set, then list and show work', async () => {
    const account = surfaces.services['account'] ?? expect.fail('no account service');
    expect(await deliver(account, `garbage ${randomUUID()}`)).toBe('dead-lettered');

    const list = await cli(['list', '--json'], { serviceUrls: surfaces.urls, operatorToken: TOKEN });
    const [newest] = JSON.parse(list.stdout) as Array<{ id: string }>;
    const show = await cli(['show', newest?.id ?? '', '--json'], { serviceUrls: surfaces.urls, operatorToken: TOKEN });

    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(show).toMatchObject({ code: 0, stderr: '' });
  });

  it('when OPERATOR_TOKEN is not set, then the token npm start keeps in the data directory is used', async () => {
    const run = await cli(['list'], { serviceUrls: surfaces.urls, dataDir: await aDataDirKeeping(TOKEN) });

    expect(run).toMatchObject({ code: 0, stderr: '' });
  });

  it('when there is no token at all, then one line says the services require it and how to supply it, exit 1', async () => {
    const run = await cli(['list'], { serviceUrls: surfaces.urls });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expectOneLine(
      run.stderr,
      /^dlq: the (account|order) service at \S+ requires the operator token: set OPERATOR_TOKEN, or --data-dir\/DATA_DIR/,
    );
  });

  it('when OPERATOR_TOKEN is wrong, then one line says it was refused, names where it came from, never shows it, exit 1', async () => {
    const wrong = randomBytes(32).toString('base64url');

    const run = await cli(['show', randomUUID()], { serviceUrls: surfaces.urls, operatorToken: wrong });

    expect(run.code).toBe(1);
    expectOneLine(run.stderr, /refused the operator token from OPERATOR_TOKEN: set OPERATOR_TOKEN to the token the services run with/);
    expect(run.stderr).not.toContain(wrong);
  });

  it('when the data directory keeps a stale token, then the refusal names that file', async () => {
    const dataDir = await aDataDirKeeping(randomBytes(32).toString('base64url'));

    const run = await cli(['replay', randomUUID()], { serviceUrls: surfaces.urls, dataDir });

    expect(run.code).toBe(1);
    expectOneLine(run.stderr, new RegExp(`refused the operator token from ${path.join(dataDir, 'operator-token')}`));
  });
});
