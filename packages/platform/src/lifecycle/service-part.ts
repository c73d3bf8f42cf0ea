import type { Observability } from './observability.js';

/** What a part sees while it opens: the running service's name, its config and its logs, metrics and traces. */
export interface ServiceContext<Config> extends Observability {
  service: string;
  config: Config;
}

/**
 * One thing a service owns for its whole life (its database, its messaging, a timer, a second listener). `startService`
 * opens the parts in the order they are used, starts them once the HTTP port listens, and stops them in reverse
 * order after the HTTP server drained: what opened last closes first, so the database outlives whatever uses it.
 */
export interface ServicePart<Value, Config = unknown> {
  /** Names the shutdown step in the logs. */
  readonly name: string;
  readonly open: (context: ServiceContext<Config>) => Value | Promise<Value>;
  /** After the HTTP port listens, in the order the parts were used. */
  readonly start?: (value: Value) => void;
  readonly stop?: (value: Value) => Promise<unknown>;
}
