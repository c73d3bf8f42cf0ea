import type { UpstreamName } from '../domain/upstreams.js';

export interface UpstreamPool {
  readonly name: UpstreamName;
  readonly replicas: readonly string[];
  /**
   * The replicas to try for one request, in order: the next one in turn (round-robin), then the others as
   * fallbacks for when a replica could not even be connected to.
   */
  nextRound(): readonly string[];
}

export const createUpstreamPool = (name: UpstreamName, replicas: readonly string[]): UpstreamPool => {
  if (replicas.length === 0) throw new Error(`upstream ${name} has no replicas`);
  let turn = 0;
  return {
    name,
    replicas,
    nextRound() {
      const start = turn;
      turn = (turn + 1) % replicas.length;
      return replicas.map((_, offset) => replicas[(start + offset) % replicas.length] as string);
    },
  };
};

/**
 * Errors that prove the request never reached the replica (no connection was established), so sending it to
 * another replica cannot make anything happen twice, even for a POST. Anything else (reset, timeout after
 * connecting) may have been half-processed and is never retried.
 */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

const codesOf = (error: unknown, depth = 0): string[] => {
  if (typeof error !== 'object' || error === null || depth > 4) return [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  return [
    ...(typeof code === 'string' ? [code] : []),
    ...codesOf(cause, depth + 1),
    // Node reports a failed connect to every address of a host name (IPv4 and IPv6) as an AggregateError.
    ...(Array.isArray(errors) ? errors.flatMap((inner) => codesOf(inner, depth + 1)) : []),
  ];
};

export const neverReachedUpstream = (error: unknown): boolean => codesOf(error).some((code) => NEVER_CONNECTED.has(code));

export const isUpstreamTimeout = (error: unknown): boolean =>
  (error as { statusCode?: unknown }).statusCode === 504 ||
  codesOf(error).some((code) => code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT');
