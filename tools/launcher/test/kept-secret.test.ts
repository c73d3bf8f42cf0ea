import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ensureKeptSecret,
  operatorTokenPath,
  KEPT_SECRETS,
  keptSecretPath,
  readOperatorToken,
  readKeptSecret,
} from '../src/kept-secret.js';

const aDataDir = (): string => mkdtempSync(path.join(tmpdir(), 'launcher-secret-'));
const modeOf = (file: string): number => statSync(file).mode & 0o777;
const ignore = (): void => {};

/** Each secret, with a value an operator could set for it. */
const SECRETS = [
  { secret: KEPT_SECRETS.operatorToken, configured: 'Kx9_-'.repeat(7) },
  { secret: KEPT_SECRETS.signingKeyEncryptionKey, configured: randomBytes(32).toString('base64') },
];

describe.each(SECRETS)('the $secret.variable kept in DATA_DIR', ({ secret, configured }) => {
  it('when the launcher starts on a fresh DATA_DIR without the variable, then it creates 32 random bytes (base64url) readable by its owner only', () => {
    const dataDir = aDataDir();
    const said: string[] = [];

    const value = ensureKeptSecret(dataDir, secret, undefined, (message) => said.push(message));

    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secret.problemOf(value)).toBeUndefined();
    expect(readFileSync(keptSecretPath(dataDir, secret), 'utf8')).toBe(`${value}\n`);
    expect(modeOf(keptSecretPath(dataDir, secret))).toBe(0o600);
    expect(said.join('\n')).toContain(keptSecretPath(dataDir, secret));
    expect(said.join('\n')).not.toContain(value);
  });

  it('when it starts again on the same DATA_DIR, then it reuses that value and makes the file owner-only again', () => {
    const dataDir = aDataDir();
    const first = ensureKeptSecret(dataDir, secret, undefined, ignore);
    chmodSync(keptSecretPath(dataDir, secret), 0o644);

    const second = ensureKeptSecret(dataDir, secret, undefined, ignore);

    expect(second).toBe(first);
    expect(readKeptSecret(dataDir, secret)).toBe(first);
    expect(modeOf(keptSecretPath(dataDir, secret))).toBe(0o600);
  });

  it('when the variable is set, then its value wins over a kept one and is never written', () => {
    const fresh = aDataDir();
    const kept = aDataDir();
    const keptValue = ensureKeptSecret(kept, secret, undefined, ignore);

    expect(ensureKeptSecret(fresh, secret, configured, ignore)).toBe(configured);
    expect(readKeptSecret(fresh, secret)).toBeUndefined();
    expect(ensureKeptSecret(kept, secret, configured, ignore)).toBe(configured);
    expect(readKeptSecret(kept, secret)).toBe(keptValue);
  });

  it('when the kept file does not hold a usable value, then the start fails with a line naming the file and the fix, not the value', () => {
    const dataDir = aDataDir();
    writeFileSync(keptSecretPath(dataDir, secret), 'hunter2\n');

    const start = (): string => ensureKeptSecret(dataDir, secret, undefined, ignore);

    expect(start).toThrow(`${keptSecretPath(dataDir, secret)} does not hold a usable value for ${secret.variable}`);
    expect(start).toThrow(secret.remedy);
    expect(start).not.toThrow(/hunter2/);
    expect(readFileSync(keptSecretPath(dataDir, secret), 'utf8')).toBe('hunter2\n');
  });

  it('when no launcher ever ran in the directory, then there is nothing to read', () => {
    expect(readKeptSecret(aDataDir(), secret)).toBeUndefined();
  });
});

describe('the operator token for the dlq tool and the e2e suite', () => {
  it('when the launcher keeps one, then it is found at DATA_DIR/operator-token', () => {
    const dataDir = aDataDir();
    const token = ensureKeptSecret(dataDir, KEPT_SECRETS.operatorToken, undefined, ignore);

    expect(operatorTokenPath(dataDir)).toBe(path.join(dataDir, 'operator-token'));
    expect(readOperatorToken(dataDir)).toBe(token);
  });

  it('when the two secrets are generated in one DATA_DIR, then they are different files with different values', () => {
    const dataDir = aDataDir();

    const token = ensureKeptSecret(dataDir, KEPT_SECRETS.operatorToken, undefined, ignore);
    const key = ensureKeptSecret(dataDir, KEPT_SECRETS.signingKeyEncryptionKey, undefined, ignore);

    expect(key).not.toBe(token);
    expect(readFileSync(path.join(dataDir, 'signing-key-encryption-key'), 'utf8')).toBe(`${key}\n`);
  });
});
