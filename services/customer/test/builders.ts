import { createSecretKey, randomBytes, randomInt, randomUUID, type KeyObject } from 'node:crypto';

/** Unique per call, so tests sharing a database never collide on the email index. */
export const aUniqueEmail = (prefix = 'customer'): string => `${prefix}.${randomUUID().slice(0, 8)}@Example.com`;

export interface RegistrationBody {
  name: string;
  email: string;
  password: string;
}

export const aRegistration = (overrides: Partial<RegistrationBody> = {}): RegistrationBody => ({
  name: 'Hanako Yamada',
  email: aUniqueEmail(),
  password: 'correct horse battery staple',
  ...overrides,
});

export const anAdmin = (overrides: Partial<{ email: string; password: string }> = {}) => ({
  email: aUniqueEmail('admin'),
  password: 'admin password 123',
  ...overrides,
});

export const SQL_INJECTION = "'; DROP TABLE customers; --";

/** A SIGNING_KEY_ENCRYPTION_KEY as an operator would set it: 32 random bytes, base64url. */
export const anEncodedEncryptionKey = (): string => randomBytes(32).toString('base64url');

export const anEncryptionKey = (): KeyObject => createSecretKey(randomBytes(32));

/** A client address of its own per call (TEST-NET-like 10/8 space), so throttle counts of tests never mix. */
export const aClientAddress = (): string => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** A clock that stands still until the test moves it: locks expire without sleeping. */
export const aTestClock = (start = new Date('2026-12-03T10:00:00.000Z')) => {
  let now = start;
  return {
    now: (): Date => now,
    advanceSeconds(seconds: number): void {
      now = new Date(now.getTime() + seconds * 1000);
    },
  };
};
