import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.js';

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
    const error = new DrizzleQueryError('insert into "customers" ("email", "password_hash") values ($1, $2)', ['a@example.com', secretHash], cause);

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
});
