import { randomUUID } from 'node:crypto';
import { MessageTypes, type Envelope } from '@ordering/contracts';
import { createEnvelope } from '../src/index.js';

export interface DebitPayload {
  customerId: string;
  orderId: string;
  amount: number;
}

export const aDebitPayload = (overrides: Partial<DebitPayload> = {}): DebitPayload => ({
  customerId: randomUUID(),
  orderId: randomUUID(),
  amount: 1_200,
  ...overrides,
});

/** A command from the orchestrator to the account service, as the saga engine would send it. */
export const aDebitCommand = (overrides: Partial<Envelope<unknown>> = {}, payload: Partial<DebitPayload> = {}): Envelope<unknown> => ({
  ...createEnvelope({
    type: MessageTypes.DebitAccount,
    source: 'orchestrator',
    destination: 'account',
    correlationId: randomUUID(),
    payload: aDebitPayload(payload),
  }),
  ...overrides,
});

export const someDebitCommands = (count: number): Envelope<unknown>[] => Array.from({ length: count }, () => aDebitCommand());
