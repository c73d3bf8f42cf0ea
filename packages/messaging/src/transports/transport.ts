import type { Envelope } from '@ordering/contracts';

/**
 * Delivers one envelope to its destination service. Resolving means the receiver took responsibility for it
 * (processed, recognised as a duplicate, or parked as a dead letter); throwing means "try again later".
 * HTTP push or RabbitMQ, behind the same interface.
 */
export interface Transport {
  /** `messaging.system` of the spans around its deliveries, e.g. 'http' or 'rabbitmq'. Default 'http'. */
  readonly name?: string;
  publish(envelope: Envelope): Promise<void>;
  /**
   * Optional: several envelopes to one destination in one exchange. Resolves with one entry per envelope, in
   * order: undefined when it was delivered, else the error its own publish would have thrown. Throwing means none
   * was delivered.
   */
  publishBatch?(envelopes: readonly Envelope[]): Promise<unknown[]>;
  close(): Promise<void>;
  /**
   * For transports that can be unavailable as a whole (a broker connection): `listener` runs each time the
   * transport becomes able to publish again, so a relay backing off from a {@link TransportUnavailableError}
   * resumes at once. Returns the unsubscribe function.
   */
  onAvailable?(listener: () => void): () => void;
}

/**
 * The transport cannot publish anything right now (the broker connection is down). Thrown at once, without
 * trying: it says nothing about the message, so the relay does not count it as a failed attempt of the row.
 */
export class TransportUnavailableError extends Error {
  constructor(transport: string, reason: string) {
    super(`The ${transport} transport is unavailable: ${reason}`);
    this.name = 'TransportUnavailableError';
  }
}

/** The broker refused the message (nack, unroutable return, or its channel closed before the confirm). */
export class PublishRejectedError extends Error {
  constructor(messageId: string, reason: string) {
    super(`The broker did not confirm message ${messageId}: ${reason}`);
    this.name = 'PublishRejectedError';
  }
}

/** No address is configured for the destination: a deployment mistake, retried until the row goes DEAD. */
export class UnknownDestinationError extends Error {
  constructor(destination: string, known: string[]) {
    super(`No peer URL is configured for destination '${destination}' (configured: ${known.length > 0 ? known.join(', ') : 'none'})`);
    this.name = 'UnknownDestinationError';
  }
}

/** The receiver answered, but not with "delivered" (e.g. 503 while its database is down). */
export class DeliveryFailedError extends Error {
  readonly statusCode: number;

  constructor(destination: string, url: string, statusCode: number, detail: string) {
    super(`Delivery to '${destination}' at ${url} failed with HTTP ${statusCode}${detail ? `: ${detail}` : ''}`);
    this.name = 'DeliveryFailedError';
    this.statusCode = statusCode;
  }
}
