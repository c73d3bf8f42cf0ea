import {
  createHttpServer,
  databaseReadiness,
  type HttpServer,
  type HttpServerOptions,
  type Logger,
  type ServiceMetrics,
  type TokenVerifier,
} from '@ordering/platform';
import type { Messaging } from '../create-messaging.js';

/** What every messaging service's `buildApp` receives; a service adds what is its own. */
export interface MessagingServiceDeps<Database, Tx = unknown> {
  logger: Logger;
  metrics: ServiceMetrics;
  database: Database;
  verifier: TokenVerifier;
  /** The outbox relay, the consumer behind `POST /internal/messages` and the dead-letter routes (from createMessaging). */
  messaging: Messaging<Tx>;
}

export interface MessagingServiceAppOptions extends Pick<HttpServerOptions, 'service' | 'trustProxy'> {
  deps: Pick<MessagingServiceDeps<{ ping(): Promise<void> }>, 'logger' | 'metrics' | 'database' | 'verifier'> & {
    messaging: Pick<Messaging, 'registerRoutes' | 'registerAdminRoutes'>;
  };
  openapi: { title: string; description: string };
  /** The service's own routes; messaging's internal and admin dead-letter routes are registered after them. */
  registerRoutes: (app: HttpServer) => void;
}

/**
 * A messaging service's HTTP app: ready while its database answers, serving its own routes and messaging's (the
 * internal ones, and the admins' dead-letter routes behind the user token `deps.verifier` checks).
 */
export const buildMessagingServiceApp = async ({
  service,
  trustProxy,
  deps,
  openapi,
  registerRoutes,
}: MessagingServiceAppOptions): Promise<HttpServer> => {
  const app = await createHttpServer({
    service,
    logger: deps.logger,
    metrics: deps.metrics,
    readiness: [databaseReadiness(deps.database)],
    ...(trustProxy ? { trustProxy } : {}),
    openapi,
  });
  registerRoutes(app);
  deps.messaging.registerRoutes(app);
  deps.messaging.registerAdminRoutes(app, deps.verifier);
  return app;
};
