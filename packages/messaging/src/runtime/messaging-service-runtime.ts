import type { ServicePart, Transaction } from '@ordering/platform';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { createMessaging, type Messaging } from '../create-messaging.js';
import type { MessageHandler } from '../inbox/message-handler.js';
import type { MessagingSettings } from './messaging-service-config.js';

export interface MessagingPartOptions<TSchema extends Record<string, unknown>> {
  /** The service's database part's value; messaging must be used after it, so it stops before the database closes. */
  database: { db: NodePgDatabase<TSchema> };
  handlers: MessageHandler<Transaction<TSchema>>[];
}

/**
 * The service's messaging for `startService`: created from its config, started once the HTTP port listens (the
 * consumer must not take messages the service cannot yet serve), stopped after HTTP drained and before the database.
 */
export const messagingPart = <TSchema extends Record<string, unknown>>(
  options: MessagingPartOptions<TSchema>,
): ServicePart<Messaging<Transaction<TSchema>>, MessagingSettings> => ({
  name: 'messaging',
  open: ({ service, config, logger, metrics }) =>
    createMessaging({
      service,
      database: options.database,
      peers: config.peers,
      brokerUrl: config.brokerUrl,
      amqp: { namespace: config.brokerNamespace },
      security: config.security,
      handlers: options.handlers,
      logger,
      metrics,
    }),
  start: (messaging) => messaging.start(),
  stop: (messaging) => messaging.stop(),
});
