import { Pool } from 'undici';
import type { UpstreamName } from '../domain/upstreams.js';

/** One replica of an upstream and the kept-alive connections to it. */
export interface UpstreamReplica {
  /** `http://host:port`, as configured. */
  readonly origin: string;
  readonly connections: Pool;
}

export interface UpstreamPool {
  readonly name: UpstreamName;
  readonly replicas: readonly string[];
  /**
   * The replicas to try for one request, in order: the next one in turn (round-robin), then the others as
   * fallbacks for when a replica could not even be connected to.
   */
  nextRound(): readonly UpstreamReplica[];
  close(): Promise<void>;
}

export interface UpstreamConnectionSettings {
  /** Most connections kept to one replica; requests beyond wait in the pool's queue. */
  connectionsPerReplica: number;
  /** For the response headers and, separately, for each gap between body chunks. */
  timeoutMs: number;
}

/**
 * One undici pool per replica: kept-alive connections, one request at a time on each (pipelining 1, so a slow
 * answer never holds up another request behind it on the same socket).
 */
export const createUpstreamPool = (name: UpstreamName, replicas: readonly string[], settings: UpstreamConnectionSettings): UpstreamPool => {
  if (replicas.length === 0) throw new Error(`upstream ${name} has no replicas`);
  const members: UpstreamReplica[] = replicas.map((origin) => ({
    origin,
    connections: new Pool(origin, {
      connections: settings.connectionsPerReplica,
      pipelining: 1,
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
    }),
  }));
  // Every rotation is built once, so picking a round allocates nothing per request.
  const rounds = members.map((_, start) => members.map((__, offset) => members[(start + offset) % members.length] as UpstreamReplica));
  let turn = 0;
  return {
    name,
    replicas,
    nextRound() {
      const round = rounds[turn] as UpstreamReplica[];
      turn = (turn + 1) % rounds.length;
      return round;
    },
    close: async () => {
      await Promise.all(members.map((member) => member.connections.destroy()));
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
  codesOf(error).some((code) => code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT');
