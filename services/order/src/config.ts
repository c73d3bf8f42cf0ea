import { messageSecurityProblems, messagingServiceEnv, readMessagingServiceConfig, type MessagingServiceConfig } from '@ordering/messaging';
import { jwksEnv, jwksUrlProblems, parseConfigChecked } from '@ordering/platform';
import { Type } from 'typebox';

/** The services this one sends messages to: its saga replies go to the orchestrator. */
const PEERS = ['orchestrator'] as const;

const OrderEnv = Type.Object({ ...messagingServiceEnv('order', PEERS), ...jwksEnv });

export interface OrderConfig extends MessagingServiceConfig<(typeof PEERS)[number]> {
  jwksUrl: string;
}

export const readConfig = (env: Record<string, string | undefined> = process.env): OrderConfig => {
  const values = parseConfigChecked(OrderEnv, env, messageSecurityProblems('order'), jwksUrlProblems);
  return Object.freeze({ ...readMessagingServiceConfig(values, PEERS), jwksUrl: values.JWKS_URL });
};
