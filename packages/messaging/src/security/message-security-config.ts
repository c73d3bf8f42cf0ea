import type { KeyObject } from 'node:crypto';
import { sendersTo } from '@ordering/contracts';
import { Type } from 'typebox';
import { parsePublicKey, parseSigningKey } from './message-authentication.js';

/**
 * Compose into a messaging service's config schema together with platform's `developmentModeEnv` and
 * `operatorTokenEnv`. Both are plain strings to the schema: `messageSecurityProblems` checks them without ever
 * echoing a value (the generic config error would show a bad value, and the first is a private key).
 */
export const messageSecurityEnv = {
  MESSAGE_SIGNING_KEY: Type.Optional(Type.String()),
  MESSAGE_PUBLIC_KEYS: Type.Optional(Type.String()),
};

export interface MessageSecurity {
  /** This service's Ed25519 key; it signs every message the service sends. Unset only in development mode. */
  signingKey: KeyObject | undefined;
  /** The public keys of the services this one accepts messages from, by service name. */
  publicKeys: ReadonlyMap<string, KeyObject>;
  /** The operator routes' bearer token; also what an operator's repaired replay through the broker is signed with. */
  operatorToken: string | undefined;
  /** Unsigned messages and open operator routes are tolerated (and said so at start-up). */
  unsafeDevelopmentMode: boolean;
}

interface SecurityValues {
  MESSAGE_SIGNING_KEY?: string | undefined;
  MESSAGE_PUBLIC_KEYS?: string | undefined;
  OPERATOR_TOKEN?: string | undefined;
  UNSAFE_DEVELOPMENT_MODE: boolean;
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const DEVELOPMENT_ONLY = 'only a developer machine may run without it, with UNSAFE_DEVELOPMENT_MODE=true';

const parsePublicKeys = (raw: string | undefined): { keys: Map<string, KeyObject>; problems: string[] } => {
  const keys = new Map<string, KeyObject>();
  const problems: string[] = [];
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    const separator = entry.indexOf('=');
    const name = entry.slice(0, Math.max(separator, 0));
    const key = separator > 0 ? parsePublicKey(entry.slice(separator + 1)) : undefined;
    if (!SERVICE_NAME.test(name) || !key) {
      problems.push(
        `MESSAGE_PUBLIC_KEYS is invalid: ${JSON.stringify(entry.slice(0, 60))} is not <service>=<base64 SPKI DER of an Ed25519 public key>`,
      );
    } else if (keys.has(name)) {
      problems.push(`MESSAGE_PUBLIC_KEYS is invalid: ${name} is listed twice`);
    } else {
      keys.set(name, key);
    }
  }
  return { keys, problems };
};

const signingKeyProblems = (values: SecurityValues): string[] => {
  if (values.MESSAGE_SIGNING_KEY === undefined) {
    return values.UNSAFE_DEVELOPMENT_MODE
      ? []
      : [
          `MESSAGE_SIGNING_KEY is required but not set: this service's own Ed25519 key, which signs every message it sends (base64 PKCS#8 DER: openssl genpkey -algorithm ed25519 -outform DER | base64 -w0); ${DEVELOPMENT_ONLY}`,
        ];
  }
  return parseSigningKey(values.MESSAGE_SIGNING_KEY)
    ? []
    : ['MESSAGE_SIGNING_KEY is invalid: must be an Ed25519 private key as base64 PKCS#8 DER (value not shown)'];
};

const publicKeyProblems = (service: string, values: SecurityValues): string[] => {
  const { keys, problems } = parsePublicKeys(values.MESSAGE_PUBLIC_KEYS);
  if (problems.length > 0 || values.UNSAFE_DEVELOPMENT_MODE) return problems;
  const senders = sendersTo(service);
  const missing = senders.filter((sender) => !keys.has(sender));
  return missing.length === 0
    ? []
    : [
        `MESSAGE_PUBLIC_KEYS lacks the public key of ${missing.join(', ')}: ${service} accepts messages from ${senders.join(', ')} and checks each one's signature (format: <service>=<base64 SPKI DER>,...)`,
      ];
};

const operatorTokenProblems = (values: SecurityValues): string[] =>
  values.OPERATOR_TOKEN !== undefined || values.UNSAFE_DEVELOPMENT_MODE
    ? []
    : [
        `OPERATOR_TOKEN is required but not set: the bearer token of the /internal/* operator routes (32+ characters, e.g. openssl rand -base64 32); ${DEVELOPMENT_ONLY}`,
      ];

/** For `parseConfigChecked`: every problem with the message keys and the operator token, values never shown. */
export const messageSecurityProblems =
  (service: string) =>
  (values: SecurityValues): string[] => [
    ...signingKeyProblems(values),
    ...publicKeyProblems(service, values),
    ...operatorTokenProblems(values),
  ];

/** The parsed keys; call after `messageSecurityProblems` found nothing. */
export const readMessageSecurity = (values: SecurityValues): MessageSecurity => ({
  signingKey: values.MESSAGE_SIGNING_KEY === undefined ? undefined : parseSigningKey(values.MESSAGE_SIGNING_KEY),
  publicKeys: parsePublicKeys(values.MESSAGE_PUBLIC_KEYS).keys,
  operatorToken: values.OPERATOR_TOKEN,
  unsafeDevelopmentMode: values.UNSAFE_DEVELOPMENT_MODE,
});
