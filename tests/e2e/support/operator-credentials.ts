import { readMessageSigningKey, readOperatorToken } from '@ordering/launcher';
import { createMessageSigner, parseSigningKey } from '@ordering/messaging';
import type { RunningSystem } from './system.js';

/**
 * The token a system's services require on their operator routes: the one its launcher generated and keeps in
 * `<dataDir>/operator-token` (the suite starts it without OPERATOR_TOKEN).
 */
export const operatorTokenOf = (system: Pick<RunningSystem, 'dataDir'>): string => {
  const token = readOperatorToken(system.dataDir);
  if (token === undefined) throw new Error(`the launcher keeps no operator token in ${system.dataDir}`);
  return token;
};

/**
 * The headers that make `body` a message signed by `service`, with the key its launcher generated for it: what that
 * service's outbox relay would send. A suite uses it to play a peer, honest or compromised.
 */
export const signedBy = (system: Pick<RunningSystem, 'dataDir'>, service: string, body: string): Record<string, string> => {
  const encoded = readMessageSigningKey(system.dataDir, service);
  const key = encoded === undefined ? undefined : parseSigningKey(encoded);
  if (!key) throw new Error(`the launcher keeps no message signing key for ${service} in ${system.dataDir}`);
  return createMessageSigner(service, key).headersFor(body);
};
