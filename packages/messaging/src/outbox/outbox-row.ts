import type { Envelope } from '@ordering/contracts';

/** A PENDING outbox row on its way out: claimed by the relay, or just committed by its sender. */
export interface OutboxRow {
  id: string;
  messageId: string;
  messageType: string;
  destination: string;
  envelope: Envelope;
  attempts: number;
  /** When the row was written: its publish lag is measured from here. */
  createdAt: Date;
}
