import { beforeEach } from 'vitest';
import { ApiClient } from './api-client.js';
import { usePerSuite } from './per-suite.js';
import { startSystem, type RunningSystem, type StartSystemOptions } from './system.js';

/**
 * One system for a describe block: started in beforeAll, stopped in afterAll, its last log lines printed next to a
 * failing test. A suite's own beforeAll hooks, registered after this call, run once the system is up; its afterAll
 * hooks run before the system stops.
 */

export interface SuiteSystem {
  /** The started system; throws a clear error when beforeAll could not start it. */
  readonly running: () => RunningSystem;
  /** The system if it started, for failure messages that must not throw. */
  readonly current: () => RunningSystem | undefined;
  /** A client of the system's gateway, usable once beforeAll has run. */
  readonly api: ApiClient;
}

export interface SuiteSystemOptions extends StartSystemOptions {
  /** How many of the system's last log lines a failing test prints. Default 120. */
  readonly failureLogLines?: number;
}

/** `options` may be a function when they depend on what an earlier beforeAll set up (e.g. a receiver's URL). */
export const useSystemPerSuite = (options: SuiteSystemOptions | (() => SuiteSystemOptions) = {}): SuiteSystem => {
  const resolved = (): SuiteSystemOptions => (typeof options === 'function' ? options() : options);
  const system = usePerSuite(
    'the system',
    () => startSystem(resolved()),
    (started) => started.stop(),
  );
  beforeEach((context) => {
    context.onTestFailed(() => {
      const started = system.current();
      if (started) console.error(`\n${started.tail(resolved().failureLogLines ?? 120)}\n`);
    });
  });
  return { running: system.get, current: system.current, api: new ApiClient(() => system.get().gatewayUrl) };
};
