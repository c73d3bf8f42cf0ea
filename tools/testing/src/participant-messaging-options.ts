import type { Logger, ServiceMetrics } from '@ordering/platform';
import { testMessageSecurity } from './test-message-keys.js';
import { UNREACHABLE_PEER } from './unreachable-peer.js';

/**
 * Messaging's options for a saga participant under test (by shape: this package does not depend on messaging), as
 * main.ts gives them but with the test keys and the orchestrator unreachable, so replies stay PENDING in the outbox.
 */
export const participantMessagingOptions = <Database, Handlers>(
  service: string,
  parts: { database: Database; logger: Logger; metrics: ServiceMetrics },
  handlers: Handlers,
) => ({
  service,
  database: parts.database,
  peers: { orchestrator: [UNREACHABLE_PEER] },
  handlers,
  logger: parts.logger,
  metrics: parts.metrics,
  security: testMessageSecurity(service),
});
