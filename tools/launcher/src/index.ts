/**
 * The launcher's reusable parts: the state file format that e2e tests read to find pids and ports, its kept secrets
 * and message keys, free port blocks, and the launcher itself as a child process on a throwaway place, which the e2e
 * suite and the bench start. Its embedded PostgreSQL is @ordering/embedded-database's.
 */
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
export { launchThrowawaySystem, type ThrowawayLaunchOptions, type ThrowawayPlace, type ThrowawaySystem } from './throwaway-launch.js';
