import { randomBytes, randomUUID } from 'node:crypto';

export interface NewCustomer {
  name: string;
  email: string;
  password: string;
}

/** A unique token of a test's data, so files and reruns never collide on an email. */
export const uniqueSuffix = (): string => randomBytes(6).toString('hex');

/** A valid registration with a unique email and a password that is easy to search for in logs. */
export const aCustomer = (overrides: Partial<NewCustomer> = {}): NewCustomer => {
  const suffix = uniqueSuffix();
  return {
    name: `E2E Customer ${suffix}`,
    email: `e2e-${suffix}@example.com`,
    password: `pw-${suffix}-${randomBytes(6).toString('hex')}`,
    ...overrides,
  };
};

export const anIdempotencyKey = (): string => `e2e-${randomUUID()}`;

/** The launcher's development admin (tools/launcher/README.md). */
/**
 * The admin every system of the suite bootstraps (the harness passes these to the launcher): not the built-in
 * development password, which the launcher refuses in production mode.
 */
export const E2E_ADMIN = Object.freeze({ email: 'admin@example.com', password: 'e2e-admin-password-not-the-default' });
