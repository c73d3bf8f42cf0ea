import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureMessageKeys, messageKeysPath } from '../src/message-keys.js';

const aDataDir = (): string => mkdtempSync(path.join(tmpdir(), 'launcher-keys-'));
const ignore = (): void => {};
const SERVICES = ['order', 'account'] as const;

describe('the message signing keys kept in DATA_DIR', () => {
  it('when the launcher starts on a fresh DATA_DIR, then each service gets its own Ed25519 key, readable by its owner only, whose public half verifies its signatures', () => {
    const dataDir = aDataDir();
    const said: string[] = [];

    const keys = ensureMessageKeys(dataDir, SERVICES, (message) => said.push(message));

    expect(keys.order.signingKey).not.toBe(keys.account.signingKey);
    for (const service of SERVICES) {
      const file = messageKeysPath(dataDir, service);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toBe(`${keys[service].signingKey}\n`);
      const privateKey = createPrivateKey({ key: Buffer.from(keys[service].signingKey, 'base64'), format: 'der', type: 'pkcs8' });
      const publicKey = createPublicKey({ key: Buffer.from(keys[service].publicKey, 'base64'), format: 'der', type: 'spki' });
      expect(verify(null, Buffer.from('a message'), publicKey, sign(null, Buffer.from('a message'), privateKey))).toBe(true);
    }
    expect(statSync(path.dirname(messageKeysPath(dataDir, 'order'))).mode & 0o777).toBe(0o700);
    expect(said.join('\n')).not.toContain(keys.order.signingKey);
  });

  it('when the launcher starts again, then it reuses the kept keys, so peers keep verifying a restarted service', () => {
    const dataDir = aDataDir();

    const first = ensureMessageKeys(dataDir, SERVICES, ignore);
    const second = ensureMessageKeys(dataDir, SERVICES, ignore);

    expect(second).toEqual(first);
  });

  it('when a kept key file holds something else, then the launcher stops with a line naming the file and the remedy', () => {
    const dataDir = aDataDir();
    ensureMessageKeys(dataDir, SERVICES, ignore);
    writeFileSync(messageKeysPath(dataDir, 'order'), 'not a key\n');

    expect(() => ensureMessageKeys(dataDir, SERVICES, ignore)).toThrow(/order\.key does not hold an Ed25519 private key.*delete it/);
  });
});
