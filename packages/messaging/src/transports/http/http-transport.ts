import type { Envelope } from '@ordering/contracts';
import { activeTraceHeaders, errorCodes } from '@ordering/platform';
import { Agent, request } from 'undici';
import type { MessageSigner } from '../../security/message-authentication.js';
import { decodeBatchOutcomes, encodeBatch, MESSAGE_BATCH_PATH, type BatchOutcome } from './message-batch.js';
import { DeliveryFailedError, UnknownDestinationError, type Transport } from '../transport.js';

export interface HttpTransportOptions {
  /** Base URLs per service name, one per replica, e.g. `{ order: ['http://127.0.0.1:8082'] }`. */
  peers: Readonly<Record<string, readonly string[]>>;
  /** Per request: connecting, then waiting for the answer. Default 5000 ms. */
  timeoutMs?: number;
  /** Signs every push; the receivers refuse a push whose signature they cannot verify (401). */
  signer: MessageSigner;
}

export const MESSAGES_PATH = '/internal/messages';

/** 200 = processed or a duplicate; 202 = parked as a dead letter by the receiver. Both mean "do not resend". */
const DELIVERED = new Set([200, 202]);
const OK = new Set([200]);

/**
 * Errors raised before the receiver could have seen the request (nothing listens, the name does not resolve),
 * or on a kept-alive socket the receiver had just closed: the next replica gets the message. Resending is safe
 * in any case, the receiver's inbox drops duplicates.
 */
const TRY_NEXT_REPLICA = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

const isUnreachable = (error: unknown): boolean => errorCodes(error).some((code) => TRY_NEXT_REPLICA.has(code));

const normalise = (peers: Readonly<Record<string, readonly string[]>>): Map<string, string[]> =>
  new Map(
    Object.entries(peers)
      .map(([service, urls]) => [service, urls.map((url) => url.trim().replace(/\/+$/, '')).filter((url) => url !== '')] as const)
      .filter(([, urls]) => urls.length > 0),
  );

const MAX_ERROR_BODY = 300;

/**
 * POSTs each envelope as JSON to `<replica>/internal/messages`, round-robin over the destination's replicas. The
 * request carries the active trace context (`traceparent`) as HTTP headers; the envelope is sent as it is.
 */
export const createHttpTransport = (options: HttpTransportOptions): Transport => {
  const peers = normalise(options.peers);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const agent = new Agent({
    keepAliveTimeout: 10_000,
    connections: 64,
    connect: { timeout: Math.min(timeoutMs, 2_000) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const nextReplica = new Map<string, number>();
  /** POSTs `body` to `path`; resolves with the answer's text when its status is one of `accepted`. */
  const post = async (
    destination: string,
    url: string,
    path: string,
    body: string,
    headers: Record<string, string>,
    accepted: ReadonlySet<number>,
  ): Promise<string> => {
    const response = await request(`${url}${path}`, {
      method: 'POST',
      dispatcher: agent,
      // The active span is the relay's PRODUCER span: the receiver's HTTP span becomes its child.
      headers: { 'content-type': 'application/json', ...headers, ...activeTraceHeaders() },
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    if (!accepted.has(response.statusCode)) {
      throw new DeliveryFailedError(destination, url, response.statusCode, text.slice(0, MAX_ERROR_BODY));
    }
    return text;
  };

  /** Round-robin over the destination's replicas: every replica once, a single one twice (a stale kept-alive socket). */
  const toSomeReplica = async <T>(destination: string, send: (url: string) => Promise<T>): Promise<T> => {
    const replicas = peers.get(destination);
    if (!replicas) throw new UnknownDestinationError(destination, [...peers.keys()]);
    const start = nextReplica.get(destination) ?? 0;
    nextReplica.set(destination, (start + 1) % replicas.length);
    const tries = Math.max(replicas.length, 2);
    let lastError: unknown;
    for (let i = 0; i < tries; i += 1) {
      const url = replicas[(start + i) % replicas.length] as string;
      try {
        return await send(url);
      } catch (error) {
        lastError = error;
        if (!isUnreachable(error)) throw error;
      }
    }
    throw lastError;
  };

  const publish = async (envelope: Envelope): Promise<void> => {
    const body = JSON.stringify(envelope);
    const signature = options.signer.headersFor(body);
    await toSomeReplica(envelope.destination, (url) => post(envelope.destination, url, MESSAGES_PATH, body, signature, DELIVERED));
  };

  /** What one message's outcome in a batch means for its sender: delivered, or the error a push alone would have met. */
  const errorOf = (destination: string, url: string, outcome: BatchOutcome): unknown => {
    if (outcome === 'retry')
      return new DeliveryFailedError(destination, url, 503, 'the receiver could not take this message of the batch now');
    if (outcome === 'unauthenticated')
      return new DeliveryFailedError(destination, url, 401, 'the receiver refused the signature of this message of the batch');
    return undefined;
  };

  return {
    name: 'http',
    publish,
    async publishBatch(envelopes) {
      const destination = envelopes[0]?.destination;
      if (destination === undefined) return [];
      const messages = envelopes.map((envelope) => {
        const body = JSON.stringify(envelope);
        return { headers: options.signer.headersFor(body), body };
      });
      try {
        return await toSomeReplica(destination, async (url) => {
          const text = await post(destination, url, MESSAGE_BATCH_PATH, encodeBatch(messages), {}, OK);
          const outcomes = decodeBatchOutcomes(text, envelopes.length);
          if (!outcomes)
            throw new DeliveryFailedError(
              destination,
              url,
              200,
              `the receiver's answer to a batch is not understood: ${text.slice(0, MAX_ERROR_BODY)}`,
            );
          return outcomes.map((outcome) => errorOf(destination, url, outcome));
        });
      } catch (error) {
        // A receiver from before batches (404): each message goes on its own, as it always did.
        if (!(error instanceof DeliveryFailedError && error.statusCode === 404)) throw error;
        return Promise.all(
          envelopes.map((envelope) =>
            publish(envelope).then(
              () => undefined,
              (failure: unknown) => failure,
            ),
          ),
        );
      }
    },
    async close() {
      await agent.close();
    },
  };
};
