import { messageSecurityProblems, messagingServiceEnv, readMessagingServiceConfig, type MessagingServiceConfig } from '@ordering/messaging';
import { jwksEnv, jwksUrlProblems, parseConfigChecked } from '@ordering/platform';
import { Type } from 'typebox';

/** The services this one sends messages to: its saga replies go to the orchestrator (CustomerRegistered only comes in). */
const PEERS = ['orchestrator'] as const;

const AccountEnv = Type.Object({ ...messagingServiceEnv('account', PEERS), ...jwksEnv });

export interface AccountConfig extends MessagingServiceConfig<(typeof PEERS)[number]> {
  jwksUrl: string;
}

export const readConfig = (env: Record<string, string | undefined> = process.env): AccountConfig => {
  const values = parseConfigChecked(AccountEnv, env, messageSecurityProblems('account'), jwksUrlProblems);
  return Object.freeze({ ...readMessagingServiceConfig(values, PEERS), jwksUrl: values.JWKS_URL });
};
