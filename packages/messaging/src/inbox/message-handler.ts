import type { Envelope } from '@ordering/contracts';
import type { SqlExecutor } from '@ordering/platform';

/**
 * Handles one message type inside the consumer's transaction: its effect, its inbox record and any outgoing
 * messages (replies, next commands) commit together. The payload was already validated against the contract.
 */
export interface MessageHandler<Tx = SqlExecutor, P = unknown> {
  type: string;
  handle(tx: Tx, envelope: Envelope<P>): Promise<void>;
}
