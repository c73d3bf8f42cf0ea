import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { operatorTokenProblem, signingKeyEncryptionKeyProblem } from './launcher-config.js';

/** A secret the launcher generates once and keeps in DATA_DIR, unless its variable supplies one. */
export interface KeptSecret {
  /** The variable that supplies it instead; a value given there is never written to disk. */
  readonly variable: string;
  /** Its file in DATA_DIR, next to launcher-state.json, where operators and tools look for it. */
  readonly fileName: string;
  /** What it is, in messages. */
  readonly description: string;
  /** Why a kept value cannot be used, or undefined; the same rule as the variable's. */
  readonly problemOf: (value: string) => string | undefined;
  /** What to do about a file that holds no usable value. */
  readonly remedy: string;
}

/** The secrets `npm start` keeps: one for the services' operator routes, one for the customer's signing key. */
export const KEPT_SECRETS = {
  operatorToken: {
    variable: 'OPERATOR_TOKEN',
    fileName: 'operator-token',
    description: "the operator routes' token",
    problemOf: operatorTokenProblem,
    remedy: 'delete it to have a new one generated',
  },
  signingKeyEncryptionKey: {
    variable: 'SIGNING_KEY_ENCRYPTION_KEY',
    fileName: 'signing-key-encryption-key',
    description: "the customer service's signing key encryption key",
    problemOf: signingKeyEncryptionKeyProblem,
    // A new key cannot open the signing key sealed with the old one: deleting the file alone does not help.
    remedy:
      "restore it; a new one is generated only once it is deleted together with the customer database's signing_keys rows, which invalidates every issued token",
  },
} as const satisfies Record<string, KeptSecret>;

export const keptSecretPath = (dataDir: string, secret: KeptSecret): string => path.join(dataDir, secret.fileName);

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/** The file's value, trimmed; undefined only when there is no file. */
const readSecretFile = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
};

/** The value a launcher keeps in `dataDir`, or undefined when it keeps none there. */
export const readKeptSecret = (dataDir: string, secret: KeptSecret): string | undefined =>
  readSecretFile(keptSecretPath(dataDir, secret)) || undefined;

const generateSecret = (file: string, secret: KeptSecret, log: (message: string) => void): string => {
  const value = randomBytes(32).toString('base64url');
  // `wx`: never overwrite a value someone else just wrote; the mode is set before a byte of it is on disk.
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  log(`generated ${secret.description} in ${file} (set ${secret.variable} to choose it)`);
  return value;
};

/**
 * The value the services get: the variable's when the launcher was given one (it is never written to disk);
 * otherwise the one kept in DATA_DIR, created on the first start (32 random bytes, base64url, owner-only) and reused
 * afterwards, so the operators and tools of a running system can find it.
 */
export const ensureKeptSecret = (
  dataDir: string,
  secret: KeptSecret,
  configured: string | undefined,
  log: (message: string) => void,
): string => {
  if (configured !== undefined) return configured;
  const file = keptSecretPath(dataDir, secret);
  const kept = readSecretFile(file);
  if (kept === undefined) return generateSecret(file, secret, log);
  const problem = secret.problemOf(kept);
  if (problem) throw new Error(`${file} does not hold a usable value for ${secret.variable} (${problem}): ${secret.remedy}`);
  // A copied or restored file may have come back readable by others.
  chmodSync(file, 0o600);
  return kept;
};

/** Where `npm run dlq` and the e2e suite find the operator token. */
export const operatorTokenPath = (dataDir: string): string => keptSecretPath(dataDir, KEPT_SECRETS.operatorToken);

export const readOperatorToken = (dataDir: string): string | undefined => readKeptSecret(dataDir, KEPT_SECRETS.operatorToken);
