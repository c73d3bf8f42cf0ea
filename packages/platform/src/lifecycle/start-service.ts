import type { FastifyInstance } from 'fastify';
import { exitOnConfigError } from '../config/load-config.js';
import type { ServiceSettings } from '../config/service-settings.js';
import type { ShutdownStep } from './graceful-shutdown.js';
import { startObservability } from './observability.js';
import { serve } from './serve.js';
import type { ServiceContext, ServicePart } from './service-part.js';

/** What a service's `assemble` receives: its context, and `use` to open a part whose life `startService` then runs. */
export interface AssemblyContext<Config> extends ServiceContext<Config> {
  use: <Value>(part: ServicePart<Value, Config>) => Promise<Value>;
}

export interface StartServiceOptions<Config extends ServiceSettings> {
  service: string;
  /** The service's own `readConfig`; a bad value stops the process before it listens, one line per problem. */
  readConfig: () => Config;
  /** Opens the service's parts and builds its HTTP app: what is the service's own, and nothing else. */
  assemble: (context: AssemblyContext<Config>) => Promise<FastifyInstance>;
}

interface OpenedPart {
  start: () => void;
  stop: ShutdownStep | undefined;
}

const openPart = async <Value, Config>(
  part: ServicePart<Value, Config>,
  context: ServiceContext<Config>,
): Promise<{ value: Value; opened: OpenedPart }> => {
  const value = await part.open(context);
  const { start, stop } = part;
  return {
    value,
    opened: { start: () => start?.(value), stop: stop && { name: part.name, run: () => stop(value) } },
  };
};

/**
 * Every service's start-up: config (or exit 78), observability, the service's parts and app, then listen. Shutdown
 * drains HTTP first, stops the parts last-opened-first, and ends the tracing last, so the final spans still leave.
 */
export const startService = async <Config extends ServiceSettings>(options: StartServiceOptions<Config>): Promise<void> => {
  const config = exitOnConfigError(options.service, options.readConfig);
  const context: ServiceContext<Config> = { service: options.service, config, ...startObservability(options.service, config) };
  const parts: OpenedPart[] = [];
  const use = async <Value>(part: ServicePart<Value, Config>): Promise<Value> => {
    const { value, opened } = await openPart(part, context);
    parts.push(opened);
    return value;
  };
  const app = await options.assemble({ ...context, use });
  const partSteps = parts.flatMap((part) => (part.stop ? [part.stop] : [])).reverse();
  await serve({
    app,
    host: config.host,
    port: config.port,
    logger: context.logger,
    afterHttpClosed: [...partSteps, { name: 'tracing', run: () => context.tracing.shutdown() }],
  });
  for (const part of parts) part.start();
};
