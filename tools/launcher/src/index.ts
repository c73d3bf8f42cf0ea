/**
 * The launcher's reusable parts: the embedded PostgreSQL (also used by the test set-up in @ordering/testing), database
 * administration helpers, the state file format that e2e tests read to find pids and ports, and the launcher itself as
 * a child process on a block of free ports, which the e2e suite and the bench start.
 */
export {
  startEmbeddedPostgres,
  EMBEDDED_POSTGRES_CREDENTIALS,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type ServerExit,
} from './embedded-postgres.js';
export { assertDatabaseName, databaseUrl, dropDatabase, ensureDatabase, withClient } from './postgres-admin.js';
export { startOrphanReaper, type OrphanReaper, type WatchedProcesses } from './orphan-reaper.js';
export { launcherStatePath, readLauncherState, type LauncherState, type ProcessState } from './launcher-state.js';
export { operatorTokenPath, readOperatorToken, KEPT_SECRETS, keptSecretPath, readKeptSecret, type KeptSecret } from './kept-secret.js';
export { ensureMessageKeys, messageKeysPath, readMessageSigningKey, type MessageKeys } from './message-keys.js';
export { anyFreePort, isPortFree, pickFreePortBlock, toPortEnv, type PortPlan } from './free-ports.js';
export {
  omitVariables,
  spawnLauncher,
  type LauncherChild,
  type LauncherExit,
  type LauncherStop,
  type SpawnLauncherOptions,
} from './launcher-child.js';
