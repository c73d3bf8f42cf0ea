import { describe, expect, it } from 'vitest';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../src/security/password-hashing.js';

describe('password hashing', () => {
  const password = 'correct horse battery staple';

  it('when the same password is checked, then it verifies', async () => {
    const stored = await hashPassword(password);

    expect(await verifyPassword(password, stored)).toBe(true);
  });

  it('when a different password is checked, then it does not verify', async () => {
    const stored = await hashPassword(password);

    expect(await verifyPassword(`${password} `, stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('when a password is typed in another Unicode normal form, then it still verifies', async () => {
    const stored = await hashPassword('caf\u00e9 au lait');

    expect(await verifyPassword('cafe\u0301 au lait', stored)).toBe(true);
  });

  it('when the same password is hashed twice, then the salts and hashes differ', async () => {
    const [first, second] = await Promise.all([hashPassword(password), hashPassword(password)]);

    expect(first).not.toBe(second);
    expect(first.split('$')[4]).not.toBe(second.split('$')[4]);
  });

  it('when a hash is stored, then it names its own parameters, a 16-byte salt and a 64-byte key', async () => {
    const [scheme, N, r, p, salt, hash] = (await hashPassword(password)).split('$');

    expect([scheme, N, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(hash ?? '', 'base64')).toHaveLength(64);
  });

  it('when a stored hash used other parameters, then it still verifies with them', async () => {
    // Built with the same primitive and cheaper parameters, as an older deployment might have stored it.
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const older = `scrypt$1024$8$1$${salt.toString('base64')}$${scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64')}`;

    expect(await verifyPassword(password, older)).toBe(true);
    expect(await verifyPassword('another password', older)).toBe(false);
  });

  it('when the stored hash is unreadable or tampered with, then nothing verifies and nothing throws', async () => {
    const stored = await hashPassword(password);
    const parts = stored.split('$');
    const flipped = Buffer.from(parts[5] ?? '', 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;

    for (const bad of ['', 'plain-text', 'bcrypt$x', `${parts.slice(0, 5).join('$')}$${flipped.toString('base64')}`, stored.replace('16384', '3'), stored.replace('16384', '1073741824')]) {
      expect(await verifyPassword(password, bad), bad).toBe(false);
    }
  });

  it('when the decoy hash is used for an unknown email, then no password verifies against it', async () => {
    expect(await verifyPassword(password, await decoyPasswordHash())).toBe(false);
    expect(await decoyPasswordHash()).toBe(await decoyPasswordHash());
  });
});
