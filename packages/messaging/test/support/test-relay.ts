import { createMetrics, type Logger, type ServiceMetrics } from '@ordering/platform';
import { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type RelayDatabase, type Transport } from '../../src/index.js';
import { silentLogger } from '../messaging-harness.js';

export interface TestRelayWiring {
  logger?: Logger;
  metrics?: ServiceMetrics;
}

/** The orchestrator's outbox relay over `db` and `transport`: silent and with its own metrics unless the test says otherwise. */
export const testRelay = (
  db: RelayDatabase,
  transport: Transport,
  options: OutboxRelayOptions = {},
  wiring: TestRelayWiring = {},
): OutboxRelay =>
  createOutboxRelay({
    db,
    transport,
    logger: wiring.logger ?? silentLogger(),
    metrics: wiring.metrics ?? createMetrics('orchestrator'),
    service: 'orchestrator',
    options,
  });
