import type { FastifyReply, FastifyRequest } from 'fastify';

/** The most a client may have declared for the server to still read and discard the rest of a refused body. */
export const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Fastify answers a body over the limit with `connection: close` before reading it. Closing a socket that still
 * has unread bytes makes the kernel send a reset, and a client still writing its body then fails with EPIPE
 * instead of reading the 413. Like nginx's lingering close, a body of a modest declared size is read and discarded
 * instead (Node does that on a kept-alive connection, bounded by the request timeout), so the client sees the 413.
 * A larger or undeclared body still closes at once: draining it would be the attacker's choice of work.
 */
export const drainModestOversizedBody = (request: FastifyRequest, reply: FastifyReply): void => {
  const declared = Number(request.headers['content-length']);
  if (Number.isSafeInteger(declared) && declared <= DRAIN_LIMIT_BYTES) reply.removeHeader('connection');
};
