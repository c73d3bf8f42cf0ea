import { scryptSync } from 'node:crypto';
import { AppError } from '@ordering/platform';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher, DEFAULT_HASH_COST_LOG2, type PasswordHashingOptions } from '../src/security/password-hashing.js';

const aHasher = (overrides: Partial<PasswordHashingOptions> = {}) =>
  createPasswordHasher({ costLog2: 10, concurrency: 2, queueLimit: 100, ...overrides });

/** A hash as an older deployment might have stored it: the same primitive at cheaper parameters. */
const anOlderHash = (password: string, N = 1024): string => {
  const salt = Buffer.from('0123456789abcdef');
  return `scrypt$${N}$8$1$${salt.toString('base64')}$${scryptSync(password, salt, 32, { N, r: 8, p: 1 }).toString('base64')}`;
};

describe('password hashing', () => {
  const password = 'correct horse battery staple';
  const hasher = aHasher();

  it('when the same password is checked, then it verifies', async () => {
    const stored = await hasher.hash(password);

    expect(await hasher.verify(password, stored)).toBe(true);
  });

  it('when a different password is checked, then it does not verify', async () => {
    const stored = await hasher.hash(password);

    expect(await hasher.verify(`${password} `, stored)).toBe(false);
    expect(await hasher.verify('', stored)).toBe(false);
  });

  it('when a password is typed in another Unicode normal form, then it still verifies', async () => {
    const stored = await hasher.hash('caf\u00e9 au lait');

    expect(await hasher.verify('cafe\u0301 au lait', stored)).toBe(true);
  });

  it('when the same password is hashed twice, then the salts and hashes differ', async () => {
    const [first, second] = await Promise.all([hasher.hash(password), hasher.hash(password)]);

    expect(first).not.toBe(second);
    expect(first.split('$')[4]).not.toBe(second.split('$')[4]);
  });

  it("when a hash is stored at the default cost, then it names OWASP's minimum N=2^17, r=8, p=1, a 16-byte salt and a 64-byte key", async () => {
    const productionHasher = aHasher({ costLog2: DEFAULT_HASH_COST_LOG2 });

    const stored = await productionHasher.hash(password);

    const [scheme, N, r, p, salt, hash] = stored.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '131072', '8', '1']);
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(hash ?? '', 'base64')).toHaveLength(64);
    expect(await productionHasher.verify(password, stored)).toBe(true);
    expect(productionHasher.isOutdated(stored)).toBe(false);
  });

  it('when a stored hash used other parameters, then it still verifies with them', async () => {
    const older = anOlderHash(password);

    expect(await hasher.verify(password, older)).toBe(true);
    expect(await hasher.verify('another password', older)).toBe(false);
  });

  it('when a stored hash is cheaper than the current cost, then it is outdated; at or above it, or unreadable, it is not', async () => {
    const current = await hasher.hash(password);

    expect(aHasher({ costLog2: 11 }).isOutdated(current)).toBe(true);
    expect(hasher.isOutdated(anOlderHash(password, 1024))).toBe(true); // a 32-byte key from older code
    expect(hasher.isOutdated(current)).toBe(false);
    expect(aHasher({ costLog2: 10 }).isOutdated(await aHasher({ costLog2: 11 }).hash(password))).toBe(false);
    expect(hasher.isOutdated('plain-text')).toBe(false);
  });

  it('when the stored hash is unreadable or tampered with, then nothing verifies and nothing throws', async () => {
    const stored = await hasher.hash(password);
    const parts = stored.split('$');
    const flipped = Buffer.from(parts[5] ?? '', 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;

    for (const bad of [
      '',
      'plain-text',
      'bcrypt$x',
      `${parts.slice(0, 5).join('$')}$${flipped.toString('base64')}`,
      stored.replace('$1024$', '$3$'),
      stored.replace('$1024$', '$1073741824$'),
    ]) {
      expect(await hasher.verify(password, bad), bad).toBe(false);
    }
  });

  it('when the decoy hash is used for an unknown email, then no password verifies against it, and it is made once', async () => {
    expect(await hasher.verify(password, await hasher.decoyHash())).toBe(false);
    expect(await hasher.decoyHash()).toBe(await hasher.decoyHash());
  });

  it('when more hashes are asked for than run at once plus wait, then the extra ones are refused with 503 and Retry-After', async () => {
    const small = aHasher({ concurrency: 1, queueLimit: 2 });

    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => small.hash(password)));

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    const refusal = (outcomes[3] as PromiseRejectedResult).reason as AppError;
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, headers: { 'retry-after': expect.stringMatching(/^\d+$/) } });
    // Slots are released: once the burst is over, hashing works again.
    expect(await small.verify(password, await small.hash(password))).toBe(true);
  });
});
