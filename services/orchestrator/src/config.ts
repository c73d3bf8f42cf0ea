import { messageSecurityProblems, messagingServiceEnv, readMessagingServiceConfig, type MessagingServiceConfig } from '@ordering/messaging';
import { jwksEnv, jwksUrlProblems, parseConfigChecked } from '@ordering/platform';
import { Type } from 'typebox';

/** The services this one sends messages to: the saga's commands go to its participants. */
const PEERS = ['order', 'account'] as const;

const OrchestratorEnv = Type.Object({
  ...messagingServiceEnv('orchestrator', PEERS),
  ...jwksEnv,
  /** How long a participant may take to answer one step before it is resent (then compensated, with TIMEOUT). */
  SAGA_STEP_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
  SAGA_MAX_FORWARD_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
});

export interface OrchestratorConfig extends MessagingServiceConfig<(typeof PEERS)[number]> {
  jwksUrl: string;
  saga: { stepTimeoutMs: number; maxForwardAttempts: number };
}

export const readConfig = (env: Record<string, string | undefined> = process.env): OrchestratorConfig => {
  const values = parseConfigChecked(OrchestratorEnv, env, messageSecurityProblems('orchestrator'), jwksUrlProblems);
  return Object.freeze({
    ...readMessagingServiceConfig(values, PEERS),
    jwksUrl: values.JWKS_URL,
    saga: Object.freeze({ stepTimeoutMs: values.SAGA_STEP_TIMEOUT_MS, maxForwardAttempts: values.SAGA_MAX_FORWARD_ATTEMPTS }),
  });
};
