import { DrizzleQueryError } from 'drizzle-orm';

const causeOf = (error: unknown): unknown => (error instanceof DrizzleQueryError ? error.cause : error);

/** PostgreSQL's unique_violation on the named constraint or index. */
export const isUniqueViolation = (error: unknown, constraint: string): boolean => {
  const cause = causeOf(error) as { code?: unknown; constraint?: unknown } | undefined;
  return cause?.code === '23505' && cause.constraint === constraint;
};

/**
 * Drizzle's query errors carry the statement's parameters, which here include password hashes and private keys;
 * the error handler would log them. Keep only the driver's error (code, constraint, message), which holds none.
 */
export const withoutParameters = (error: unknown): unknown => {
  if (!(error instanceof DrizzleQueryError)) return error;
  const cause = error.cause as (Error & { code?: string }) | undefined;
  const safe = new Error(`database query failed: ${cause?.message ?? 'unknown error'}`);
  return Object.assign(safe, { code: cause?.code });
};

/** Runs a statement that carries secrets, so a failure can be logged without them. */
export const hidingParameters = async <T>(statement: () => Promise<T>): Promise<T> => {
  try {
    return await statement();
  } catch (error) {
    throw withoutParameters(error);
  }
};
