import { AppError, currentTraceHeaders, notFound, type TokenVerifier } from '@ordering/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamName } from '../domain/upstreams.js';
import { identifyCaller, requireAccess } from './caller-identity.js';
import type { GatewayRoute } from './route-table.js';
import { isUpstreamTimeout, neverReachedUpstream, type UpstreamPool } from './upstream-pool.js';

export interface ProxyRoutesOptions {
  routes: readonly GatewayRoute[];
  pools: Readonly<Record<UpstreamName, UpstreamPool>>;
  verifier: TokenVerifier;
}

/** Connection-level headers describe one hop; they are never relayed to the next one. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/**
 * Also never forwarded: `expect: 100-continue` was already answered by this server, which holds the whole body.
 * (undici refuses to send `expect`, `keep-alive` and `upgrade` at all, which would turn the request into a 502.)
 */
const NOT_FORWARDED = [...HOP_BY_HOP, 'expect'];

/** A `.` or `..` segment (also percent-encoded) would be resolved away by URL parsing and change the target path. */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?=\/|$)/i;

/** The raw path as the client sent it (no decoding or normalising); reply-from appends the raw query string. */
const rawPath = (request: FastifyRequest): string => request.url.split('?', 1)[0] ?? request.url;

const appendForwardedFor = (existing: string | string[] | undefined, clientIp: string): string => {
  const previous = Array.isArray(existing) ? existing.join(', ') : existing;
  return previous ? `${previous}, ${clientIp}` : clientIp;
};

/** What the service receives: the client's headers, plus our request id and the client's address. */
const upstreamRequestHeaders = (request: FastifyRequest, headers: IncomingHttpHeaders): IncomingHttpHeaders => {
  const forwarded: IncomingHttpHeaders = {
    ...headers,
    // The service's span becomes a child of the gateway's (when tracing runs; otherwise the caller's header stays).
    ...currentTraceHeaders(),
    'x-request-id': request.id,
    'x-forwarded-for': appendForwardedFor(request.headers['x-forwarded-for'], request.ip),
  };
  for (const name of NOT_FORWARDED) delete forwarded[name];
  // reply-from normalises the content type of a body it is given; the service must see the client's exact one.
  const clientContentType = request.headers['content-type'];
  if (clientContentType === undefined) delete forwarded['content-type'];
  else forwarded['content-type'] = clientContentType;
  return forwarded;
};

/** The response keeps exactly one x-request-id, the gateway's (set by the platform on every response). */
const clientResponseHeaders = (headers: IncomingHttpHeaders): IncomingHttpHeaders => {
  const relayed = { ...headers };
  delete relayed['x-request-id'];
  for (const name of HOP_BY_HOP) delete relayed[name];
  return relayed;
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
const forward = (request: FastifyRequest, reply: FastifyReply, pool: UpstreamPool): FastifyReply => {
  const path = rawPath(request);
  if (DOT_SEGMENT.test(path)) throw notFound(`No route ${request.method} ${path}`);
  const replicas = pool.nextRound();
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;

  const attempt = (index: number): FastifyReply =>
    reply.from(`${replicas[index]}${path}`, {
      // Bytes as received; the content type is restored verbatim in upstreamRequestHeaders.
      ...(body ? { body, contentType: request.headers['content-type'] ?? 'application/octet-stream' } : {}),
      // reply-from would otherwise retry some GETs on its own (e.g. every 503); retries are decided here only.
      retryDelay: () => null,
      rewriteRequestHeaders: (_request, headers) => upstreamRequestHeaders(request, headers as IncomingHttpHeaders),
      rewriteHeaders: (headers) => clientResponseHeaders(headers as IncomingHttpHeaders),
      onError: (_reply, { error }) => {
        const unreachable = neverReachedUpstream(error);
        if (unreachable && index + 1 < replicas.length) {
          request.log.warn({ upstream: pool.name, replica: replicas[index] }, 'replica unreachable, trying the next one');
          attempt(index + 1);
          return;
        }
        reply.send(upstreamFailure(pool.name, error, unreachable));
      },
    });

  return attempt(0);
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
