/**
 * An embedded PostgreSQL and the helpers around it, with no dependency on the workspaces it serves: the launcher
 * runs the system on it, @ordering/testing runs the tests on it, and platform's own tests use it without a cycle.
 */
import './provided-context.js';

export {
  startEmbeddedPostgres,
  EMBEDDED_POSTGRES_CREDENTIALS,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type ServerExit,
} from './embedded-postgres.js';
export { databaseUrl, dropDatabase, ensureDatabase, withClient } from './postgres-admin.js';
export { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';
export { startOrphanReaper, type OrphanReaper, type WatchedProcesses } from './orphan-reaper.js';
export { isProcessAlive, readCommandLine, sendSignal, signalGroup, waitUntilGone } from './process-probe.js';
export { forEachLine } from './read-lines.js';
