import { errorChain, type ErrorLike } from '../errors/error-chain.js';

/** Error codes and messages that mean "the database is not reachable right now", not "this message is bad". */
const CONNECTIVITY_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovering)
  '53300', // too_many_connections
]);
const CONNECTIVITY_MESSAGE =
  /connection terminated|timeout exceeded when trying to connect|connection timeout|client has encountered a connection error|cannot use a pool after calling end|terminating connection/i;

/** Two transactions collided; running the work again usually succeeds. */
const COLLISION_CODES = new Set(['40001', '40P01']);

const codeOf = (error: ErrorLike): string | undefined => (typeof error.code === 'string' ? error.code : undefined);

export const isConnectivityFailure = (error: unknown): boolean =>
  errorChain(error).some((e) => {
    const code = codeOf(e);
    if (code && (CONNECTIVITY_CODES.has(code) || code.startsWith('08'))) return true;
    return typeof e.message === 'string' && CONNECTIVITY_MESSAGE.test(e.message);
  });

export const isTransactionCollision = (error: unknown): boolean => errorChain(error).some((e) => COLLISION_CODES.has(codeOf(e) ?? ''));

/** SQLSTATE class 22, data exception: 22P02 invalid text representation, 22007/22008 bad datetime, 22003 out of range… */
const DATA_EXCEPTION = /^22[0-9A-Z]{3}$/;

/**
 * The database refused the values themselves, so the same work with the same input fails the same way every time:
 * retrying only delays the dead letter. Not class 23 (a unique or foreign-key violation can be a race that a
 * retry resolves), nor class 42 (a broken query is fixed by a deploy, and the retries give it that time).
 */
export const isPermanentDataFailure = (error: unknown): boolean => errorChain(error).some((e) => DATA_EXCEPTION.test(codeOf(e) ?? ''));

const MAX_DESCRIPTION_LENGTH = 1000;

/**
 * A one-line description safe to store and log: drizzle's own message embeds the statement's bound parameters
 * (which may hold personal data), so the innermost driver error is described instead. NUL characters are
 * removed because PostgreSQL text columns refuse them.
 */
export const describeError = (error: unknown): string => {
  const chain = errorChain(error);
  const meaningful = [...chain].reverse().find((e) => typeof e.message === 'string' && e.message !== '') ?? chain[0];
  const message = typeof meaningful?.message === 'string' && meaningful.message !== '' ? meaningful.message : String(error);
  const code = meaningful ? codeOf(meaningful) : undefined;
  const text = code && !message.includes(code) ? `${message} (${code})` : message;
  return sanitizeText(text).slice(0, MAX_DESCRIPTION_LENGTH);
};

export const sanitizeText = (text: string): string => text.replaceAll('\u0000', '\\u0000');
