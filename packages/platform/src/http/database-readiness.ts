import type { ReadinessCheck } from './health-routes.js';

/** The service listens only after its migrations ran, so a reachable database means a usable one. */
export const databaseReadiness = (database: { ping(): Promise<void> }): ReadinessCheck => ({
  name: 'database',
  check: () => database.ping(),
});
