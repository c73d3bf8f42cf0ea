/** One dead letter as the CLI shows it, whichever transport parked it. */
export interface DeadLetterView {
  id: string;
  service: string;
  /** RabbitMQ: the dead-letter queue and the consumer queue a replay goes to. */
  queue?: string;
  consumerQueue?: string;
  /** HTTP: the service instance that holds it. */
  url?: string;
  messageId: string | null;
  messageType: string | null;
  error: string;
  attempts: number;
  deadAt: string | null;
  /** HTTP only: dead letters stay listed after a successful replay, marked with its time. */
  replayedAt?: string | null;
  message: unknown;
}

export interface ReplayOutcome {
  id: string;
  service: string;
  /** False when the replayed message failed again (it is parked again, with the new error). */
  succeeded: boolean;
  /** One line for the operator. */
  summary: string;
}

export interface ListRequest {
  service?: string;
  limit: number;
}

/** The three operations, over RabbitMQ's DLQs or over the services' `/internal/dead-letters` routes. */
export interface DeadLetterSource {
  list(request: ListRequest): Promise<DeadLetterView[]>;
  find(id: string): Promise<DeadLetterView | undefined>;
  /** `message` is a repaired envelope (already checked to be a JSON object); undefined replays the original. */
  replay(id: string, message?: Record<string, unknown>): Promise<ReplayOutcome | undefined>;
}

/** An expected failure (unreachable, refused): printed as its one-line message, exit 1. */
export class DlqFailure extends Error {
  override readonly name = 'DlqFailure';
}

export const newestFirst = (a: { deadAt: string | null }, b: { deadAt: string | null }): number =>
  (b.deadAt ?? '').localeCompare(a.deadAt ?? '');
