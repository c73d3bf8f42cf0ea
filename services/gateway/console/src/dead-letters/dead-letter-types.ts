/** The dead-letter shapes of the admin API (console-api.md); the integrator may fold them into admin-types.ts. */

export const DEAD_LETTER_SERVICES = ['customer', 'order', 'account', 'orchestrator'] as const;
export type DeadLetterService = (typeof DEAD_LETTER_SERVICES)[number];

export type Transport = 'http' | 'rabbitmq';

export interface DeadLetterItem {
  id: string;
  transport: Transport;
  service: string;
  queue: string;
  messageId: string | null;
  messageType: string | null;
  error: string;
  attempts: number;
  deadAt: string | null;
  replayedAt: string | null;
  message: unknown;
}

export interface DeadLetterPage {
  items: DeadLetterItem[];
  nextCursor: string | null;
}

export type ReplayOutcome = 'processed' | 'duplicate' | 'dead-lettered' | 'retry' | 'republished';

export interface ReplayResult {
  deadLetterId: string;
  outcome: ReplayOutcome;
  messageId?: string;
  type?: string;
  error?: string;
}
