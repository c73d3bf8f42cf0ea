import { useStarted, useTestDatabase } from '@ordering/testing';
import { startCustomerApp, type CustomerTestApp, type StartOptions } from './customer-test-app.js';

export interface CustomerAppUnderTest extends CustomerTestApp {
  /** Its database, for tests that start a second replica or a restart on it. */
  databaseUrl: string;
}

/**
 * The customer app for the enclosing suite, on a scratch database of its own, closed and dropped after the suite.
 * Options that need something started earlier in the suite (a peer's URL) are passed as a function.
 */
export const useCustomerApp = (options: StartOptions | (() => StartOptions) = {}): CustomerAppUnderTest => {
  const testDatabase = useTestDatabase();
  return useStarted(
    async () => ({
      ...(await startCustomerApp(testDatabase.url, typeof options === 'function' ? options() : options)),
      databaseUrl: testDatabase.url,
    }),
    (service) => service.close(),
  );
};
