import { AppError, currentTraceHeaders, notFound, type TokenVerifier } from '@ordering/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UpstreamName } from '../domain/upstreams.js';
import { identifyCaller, requireAccess } from './caller-identity.js';
import type { GatewayRoute } from './route-table.js';
import { exchange, type UpstreamAnswer } from './upstream-exchange.js';
import { isUpstreamTimeout, neverReachedUpstream, type UpstreamPool } from './upstream-pool.js';

export interface ProxyRoutesOptions {
  routes: readonly GatewayRoute[];
  pools: Readonly<Record<UpstreamName, UpstreamPool>>;
  verifier: TokenVerifier;
}

/** Connection-level headers describe one hop; they are never relayed to the next one. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

/**
 * Also never forwarded: `expect: 100-continue` was already answered by this server, which holds the whole body;
 * `host` and `content-length` are the next hop's own (undici writes the replica's host and the body's length).
 * Ours are set below: the request id and the forwarding chain.
 */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'expect', 'host', 'content-length', 'x-request-id', 'x-forwarded-for']);

/** A `.` or `..` segment (also percent-encoded) would be resolved away by any URL parser on the way. */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?=\/|$)/i;

/** A backslash is a slash to WHATWG URL parsing, so `x\..\..\internal` could also become another path on the way. */
const BACKSLASH = /\\/;

/** The raw path as the client sent it (no decoding or normalising). */
const rawPath = (url: string): string => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

/** Header names the client's `Connection` header declares hop-by-hop (RFC 9110 §7.6.1). */
const connectionListed = (connection: string | undefined): string[] =>
  connection
    ? connection
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== '')
    : [];

const appendForwardedFor = (existing: string | string[] | undefined, clientIp: string): string => {
  const previous = Array.isArray(existing) ? existing.join(', ') : existing;
  return previous ? `${previous}, ${clientIp}` : clientIp;
};

/**
 * What the service receives: the client's headers (content type included, verbatim), minus the hop-by-hop ones,
 * plus our request id, the client's address and, when tracing runs, the gateway's span as the parent.
 */
const upstreamRequestHeaders = (request: FastifyRequest): Record<string, string | string[]> => {
  const incoming = request.headers;
  const listed = connectionListed(incoming.connection);
  const forwarded: Record<string, string | string[]> = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || NOT_FORWARDED.has(name) || listed.includes(name)) continue;
    forwarded[name] = value;
  }
  Object.assign(forwarded, currentTraceHeaders());
  forwarded['x-request-id'] = request.id;
  forwarded['x-forwarded-for'] = appendForwardedFor(incoming['x-forwarded-for'], request.ip);
  return forwarded;
};

/** The response keeps exactly one x-request-id, the gateway's (set by the platform on every response). */
const relay = (reply: FastifyReply, answer: UpstreamAnswer): FastifyReply => {
  reply.code(answer.statusCode);
  const headers = answer.headers;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || name === 'x-request-id' || HOP_BY_HOP.has(name)) continue;
    reply.header(name, value);
  }
  return reply.send(answer.body);
};

const upstreamFailure = (upstream: UpstreamName, error: unknown, everyReplicaUnreachable: boolean): AppError => {
  if (everyReplicaUnreachable) {
    return new AppError('UPSTREAM_UNAVAILABLE', 503, { detail: `The ${upstream} service is unavailable`, cause: error });
  }
  if (isUpstreamTimeout(error)) {
    return new AppError('UPSTREAM_UNAVAILABLE', 504, { detail: `The ${upstream} service did not answer in time`, cause: error });
  }
  return new AppError('UPSTREAM_UNAVAILABLE', 502, { detail: `The ${upstream} service failed to answer`, cause: error });
};

/**
 * Forwards to the next replica in turn. A replica that cannot be connected to is skipped for the next one; any
 * other failure is final (the request may have been processed, so it is not sent twice).
 */
const forward = async (request: FastifyRequest, reply: FastifyReply, pool: UpstreamPool): Promise<FastifyReply> => {
  const url = request.url;
  const path = rawPath(url);
  if (DOT_SEGMENT.test(path) || BACKSLASH.test(path)) throw notFound(`No route ${request.method} ${path}`);
  const upstreamRequest = {
    method: request.method,
    // Bytes as received, path and query included: the service routes exactly what the gateway routed.
    path: url,
    headers: upstreamRequestHeaders(request),
    body: Buffer.isBuffer(request.body) ? request.body : undefined,
  };
  const replicas = pool.nextRound();
  for (let index = 0; ; index += 1) {
    const replica = replicas[index];
    if (!replica) throw new Error(`upstream ${pool.name} has no replica ${index}`);
    try {
      return relay(reply, await exchange(replica.connections, upstreamRequest));
    } catch (error) {
      const unreachable = neverReachedUpstream(error);
      if (!unreachable || index + 1 >= replicas.length) throw upstreamFailure(pool.name, error, unreachable);
      request.log.warn({ upstream: pool.name, replica: replica.origin }, 'replica unreachable, trying the next one');
    }
  }
};

/** One Fastify route per table entry, so unknown paths are 404s before any token is looked at. */
export const registerProxyRoutes = (scope: FastifyInstance, options: ProxyRoutesOptions): void => {
  const identify = identifyCaller(options.verifier);
  for (const route of options.routes) {
    const pool = options.pools[route.upstream];
    const access = route.access;
    scope.route({
      method: route.method,
      url: route.url,
      onRequest: access === 'public' ? [] : [identify],
      preParsing: access === 'public' ? [] : [requireAccess(access)],
      handler: (request, reply) => forward(request, reply, pool),
    });
  }
};
