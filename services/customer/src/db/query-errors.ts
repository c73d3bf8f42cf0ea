import { DrizzleQueryError } from 'drizzle-orm';

const causeOf = (error: unknown): unknown => (error instanceof DrizzleQueryError ? error.cause : error);

/** PostgreSQL's unique_violation on the named constraint or index. */
export const isUniqueViolation = (error: unknown, constraint: string): boolean => {
  const cause = causeOf(error) as { code?: unknown; constraint?: unknown } | undefined;
  return cause?.code === '23505' && cause.constraint === constraint;
};
