/** The fields this module reads on an error and on whatever it wraps. */
export interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  constraint?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Deep enough for drizzle → pg → AggregateError → socket error; a deeper chain is a cycle in disguise. */
const MAX_DEPTH = 5;

/**
 * The error and everything it wraps, outermost first: drizzle and fetch wrap driver errors in `cause`, Node wraps
 * dual-stack connects in `errors` (an AggregateError). Cycles and over-deep chains stop the walk.
 */
export const errorChain = (error: unknown): ErrorLike[] => {
  const chain: ErrorLike[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (!value || typeof value !== 'object' || depth > MAX_DEPTH || chain.includes(value as ErrorLike)) return;
    const current = value as ErrorLike;
    chain.push(current);
    visit(current.cause, depth + 1);
    if (Array.isArray(current.errors)) for (const inner of current.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return chain;
};

/** Every string `code` in the chain, outermost first: `ECONNREFUSED`, a SQLSTATE such as `23505`, `UND_ERR_SOCKET`… */
export const errorCodes = (error: unknown): string[] =>
  errorChain(error).flatMap((link) => (typeof link.code === 'string' ? [link.code] : []));

/** The outermost code in the chain, if any: what an operator's one-line outcome shows for a failed connection. */
export const errorCode = (error: unknown): string | undefined => errorCodes(error)[0];

/** PostgreSQL's unique_violation (23505) on the named constraint or unique index, however deeply drizzle wrapped it. */
export const isUniqueViolation = (error: unknown, constraint: string): boolean =>
  errorChain(error).some((link) => link.code === '23505' && link.constraint === constraint);
