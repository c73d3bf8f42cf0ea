import type { ChannelModel } from 'amqplib';
import { declareTopology } from './amqp-topology.js';
import { closeQuietly, type BrokerLink, type ConnectedHook } from './broker-link.js';

/** Declares the topology on a short-lived channel, then runs every hook. Throws if any step fails. */
export const prepareConnection = async ({ log, namespace, hooks }: BrokerLink, connection: ChannelModel): Promise<void> => {
  const channel = await connection.createChannel();
  channel.on('error', (error: Error) => log.warn({ err: error }, 'topology channel error'));
  await declareTopology(channel, namespace);
  await channel.close();
  for (const hook of hooks) await hook(connection);
};

/** Resolves with the reason once `connection` is closed, whoever closed it. */
export const closedSignal = ({ log }: BrokerLink, connection: ChannelModel): Promise<Error | undefined> =>
  new Promise((resolve) => {
    connection.on('error', (error: Error) => log.debug({ err: error }, 'broker connection error'));
    connection.on('blocked', (reason: string) => log.warn({ reason }, 'broker blocked this connection (resource alarm): publishes wait'));
    connection.on('unblocked', () => log.info('broker unblocked this connection'));
    connection.once('close', (error?: Error) => resolve(error));
  });

export const notifyAvailable = ({ log, availableListeners }: BrokerLink): void => {
  for (const listener of availableListeners) {
    try {
      listener();
    } catch (error) {
      log.warn({ err: error }, 'broker availability listener failed');
    }
  }
};

/** A hook registered while connected runs at once on the live connection; if it fails, the connection is recycled. */
export const runHookOnLive = ({ log, state }: BrokerLink, hook: ConnectedHook): void => {
  const connection = state.live;
  if (!state.connected || !connection) return;
  hook(connection).catch((error: unknown) => {
    log.warn({ err: error }, 'broker hook failed on the live connection, reconnecting');
    void closeQuietly(connection);
  });
};
