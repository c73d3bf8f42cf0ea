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
  /** The tracing UI's page of one trace, `{traceId}` standing for the id: the saga console links a saga's trace there. */
  TRACING_UI_URL: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
});

const TRACE_ID_SLOT = '{traceId}';

/** A link the console shows an operator: an http(s) URL, with the slot the trace id goes in. */
const tracingUiUrlProblems = (values: { TRACING_UI_URL?: string | undefined }): string[] => {
  const template = values.TRACING_UI_URL;
  if (template === undefined) return [];
  const invalid = (why: string) => [`TRACING_UI_URL=${JSON.stringify(template)} is invalid: ${why}`];
  if (!template.includes(TRACE_ID_SLOT))
    return invalid(`must contain ${TRACE_ID_SLOT}, e.g. http://127.0.0.1:16686/trace/${TRACE_ID_SLOT}`);
  try {
    const url = new URL(template.replaceAll(TRACE_ID_SLOT, '0'));
    return url.protocol === 'http:' || url.protocol === 'https:' ? [] : invalid('must be an http or https URL');
  } catch {
    return invalid('not a URL');
  }
};

export interface OrchestratorConfig extends MessagingServiceConfig<(typeof PEERS)[number]> {
  jwksUrl: string;
  saga: { stepTimeoutMs: number; maxForwardAttempts: number };
  /** A URL template with `{traceId}`; unset, the console shows no trace link. */
  tracingUiUrl: string | undefined;
}

export const readConfig = (env: Record<string, string | undefined> = process.env): OrchestratorConfig => {
  const values = parseConfigChecked(OrchestratorEnv, env, messageSecurityProblems('orchestrator'), jwksUrlProblems, tracingUiUrlProblems);
  return Object.freeze({
    ...readMessagingServiceConfig(values, PEERS),
    jwksUrl: values.JWKS_URL,
    saga: Object.freeze({ stepTimeoutMs: values.SAGA_STEP_TIMEOUT_MS, maxForwardAttempts: values.SAGA_MAX_FORWARD_ATTEMPTS }),
    tracingUiUrl: values.TRACING_UI_URL,
  });
};
