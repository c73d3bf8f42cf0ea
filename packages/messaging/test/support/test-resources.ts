import { connectDatabase, type Database } from '@ordering/platform';
import { afterEach } from 'vitest';
import {
  createHttpTransport,
  type HttpTransportOptions,
  type OutboxRelay,
  type OutboxRelayOptions,
  type RelayDatabase,
  type Transport,
} from '../../src/index.js';
import * as schema from '../fixtures/schema.js';
import {
  ledgerHandler,
  silentLogger,
  startService,
  startTestDatabase,
  testSignerOf,
  type RunningService,
  type TestDatabaseHandle,
  type TestSchema,
} from '../messaging-harness.js';
import { testRelay, type TestRelayWiring } from './test-relay.js';

type ServiceOptions = NonNullable<Parameters<typeof startService>[1]>;

export interface TestResources {
  /** Closes `value` with `cleanup` after the test, in reverse order of tracking. */
  track<T>(value: T, cleanup: (value: T) => Promise<unknown>): T;
  aDatabase(): Promise<TestDatabaseHandle>;
  /** A second replica's own pool on the same database. */
  aReplicaPool(handle: TestDatabaseHandle, maxConnections: number): Database<TestSchema>;
  /** The account service over HTTP, applying debits to the ledger unless `options` say otherwise. */
  aReceiver(handle: TestDatabaseHandle, options?: ServiceOptions): Promise<RunningService>;
  /** An HTTP transport signing as the orchestrator, sending to `peers`. */
  anHttpTransport(peers: Record<string, string[]>, options?: Partial<HttpTransportOptions>): Transport;
  /** The orchestrator's relay, see {@link testRelay}; stopped after the test. */
  aRelay(db: RelayDatabase, transport: Transport, options?: OutboxRelayOptions, wiring?: TestRelayWiring): OutboxRelay;
}

/** The resources of each test of this file, closed after it. Call once, at the top of a test file or describe block. */
export const useTestResources = (): TestResources => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const track = <T>(value: T, cleanup: (value: T) => Promise<unknown>): T => {
    cleanups.push(() => cleanup(value));
    return value;
  };
  return {
    track,
    aDatabase: async () => track(await startTestDatabase(), (h) => h.close()),
    aReplicaPool: (handle, maxConnections) =>
      track(
        connectDatabase({ url: handle.testDatabase.url, schema, logger: silentLogger(), maxConnections, applicationName: 'replica-2' }),
        (d) => d.close(),
      ),
    aReceiver: async (handle, options = {}) =>
      track(await startService(handle, { service: 'account', handlers: [ledgerHandler()], ...options }), (s) => s.close()),
    anHttpTransport: (peers, options = {}) => track(createHttpTransport({ peers, signer: testSignerOf(), ...options }), (t) => t.close()),
    aRelay: (db, transport, options, wiring) => track(testRelay(db, transport, options, wiring), (r) => r.stop()),
  };
};
