import { createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';

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
