import { spawnSync } from 'node:child_process';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.js';
import { createBatchedDestination } from '../src/logging/batched-stdout.js';

const captureLines = () => {
  const lines: string[] = [];
  const logger = createLogger({ service: 'test', level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
};

describe('createLogger', () => {
  it('when a query error that carries bound values is logged, then its message, stack and properties keep the SQL but not the values', () => {
    const { logger, lines } = captureLines();
    const secretHash = 'scrypt$16384$8$1$c2VjcmV0$aGFzaA==';
    const cause = Object.assign(new Error('new row violates check constraint "reject_boom"'), { code: '23514' });
    const error = new DrizzleQueryError(
      'insert into "customers" ("email", "password_hash") values ($1, $2)',
      ['a@example.com', secretHash],
      cause,
    );

    logger.error({ err: error }, 'unhandled error');

    const line = lines.join('');
    expect(line).not.toContain(secretHash);
    expect(line).not.toContain('a@example.com');
    const logged = JSON.parse(line) as { err: { message: string; stack: string } };
    expect(logged.err.message).toContain('insert into "customers"');
    expect(logged.err.message).toContain('params: [not logged]');
    expect(logged.err.stack).toContain('violates check constraint');
  });

  it('when a password or token sits in a logged object, then it is redacted', () => {
    const { logger, lines } = captureLines();

    logger.info({ body: { password: 'hunter2', accessToken: 'eyJ.secret' } }, 'request');

    expect(lines.join('')).not.toMatch(/hunter2|eyJ\.secret/);
    expect(lines.join('')).toContain('[redacted]');
  });

  it('when several lines are logged in one turn of the event loop, then they reach stdout in one write, in order, when the turn ends', async () => {
    const writes: string[] = [];
    const destination = createBatchedDestination({ write: (text: string) => void writes.push(text) });
    const logger = createLogger({ service: 'test', level: 'info', destination });

    logger.info('first');
    logger.info('second');
    logger.info('third');
    expect(writes).toEqual([]);
    await nextTurn();

    expect(writes).toHaveLength(1);
    expect(
      writes[0]
        ?.trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { msg: string }).msg),
    ).toEqual(['first', 'second', 'third']);
  });

  it('when the batched destination is flushed, then what is pending is written at once and nothing is written twice', async () => {
    const writes: string[] = [];
    const destination = createBatchedDestination({ write: (text: string) => void writes.push(text) });

    destination.write('ready\n');
    destination.flushSync();
    expect(writes).toEqual(['ready\n']);
    await nextTurn();

    expect(writes).toEqual(['ready\n']);
  });

  it('when a process logs and exits in the same turn, then its lines are still on its stdout', () => {
    const script = [
      "import { createLogger } from './packages/platform/src/index.ts';",
      "const logger = createLogger({ service: 'test', level: 'info' });",
      "logger.info('started');",
      "logger.error({ err: new Error('boom') }, 'start-up failed');",
      'process.exit(1);',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', '--input-type=module', '--eval', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(child.status, child.stderr).toBe(1);
    const lines = child.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; level: string });
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      ['info', 'started'],
      ['error', 'start-up failed'],
    ]);
  });
});
