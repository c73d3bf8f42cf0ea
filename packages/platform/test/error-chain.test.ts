import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { errorChain, errorCode, errorCodes, isUniqueViolation } from '../src/errors/error-chain.js';

const coded = (message: string, code: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(message), { code, ...extra });

describe('errorChain', () => {
  it('when an error wraps a cause that wraps an AggregateError, then every link is listed outermost first', () => {
    const v4 = coded('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED');
    const v6 = coded('connect ECONNREFUSED ::1:1', 'ECONNREFUSED');
    const aggregate = new AggregateError([v4, v6], 'connect failed');
    const error = new TypeError('fetch failed', { cause: aggregate });

    expect(errorChain(error)).toEqual([error, aggregate, v4, v6]);
    expect(errorCode(error)).toBe('ECONNREFUSED');
  });

  it('when the chain is a cycle, then the walk stops and lists each error once', () => {
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    Object.assign(first, { cause: second });

    expect(errorChain(first)).toEqual([first, second]);
  });

  it('when nothing in the chain has a code, then there is no code', () => {
    expect(errorCodes(new Error('plain', { cause: 'a string cause' }))).toEqual([]);
    expect(errorCode('not an error')).toBeUndefined();
  });
});

describe('isUniqueViolation', () => {
  it('when drizzle wraps a 23505 on the named constraint, then it is that violation and no other', () => {
    const driverError = coded('duplicate key value violates unique constraint', '23505', { constraint: 'customers_email_key' });
    const error = new DrizzleQueryError('insert into "customers" …', [], driverError);

    expect(isUniqueViolation(error, 'customers_email_key')).toBe(true);
    expect(isUniqueViolation(error, 'another_index')).toBe(false);
    expect(isUniqueViolation(coded('check failed', '23514', { constraint: 'customers_email_key' }), 'customers_email_key')).toBe(false);
  });
});
