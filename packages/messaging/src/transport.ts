import type { Envelope } from '@ordering/contracts';

/**
 * Delivers one envelope to its destination service. Resolving means the receiver took responsibility for it
 * (processed, recognised as a duplicate, or parked as a dead letter); throwing means "try again later".
 * HTTP today, RabbitMQ later, behind the same interface.
 */
export interface Transport {
  /** `messaging.system` of the spans around its deliveries, e.g. 'http' or 'rabbitmq'. Default 'http'. */
  readonly name?: string;
  publish(envelope: Envelope): Promise<void>;
  close(): Promise<void>;
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
