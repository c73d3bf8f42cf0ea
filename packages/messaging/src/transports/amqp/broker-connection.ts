import type { ChannelModel } from 'amqplib';
import { closeBrokerLink, recycleConnection } from './broker-close.js';
import { createBrokerLink, type BrokerConnectionOptions, type ConnectedHook } from './broker-link.js';
import { runHookOnLive } from './channel-lifecycle.js';
import { keepConnected } from './connect-retry.js';

export type { BrokerConnectionOptions, ConnectedHook } from './broker-link.js';

export interface BrokerConnection {
  readonly namespace: string;
  /** True once connected, the topology declared and every hook ran; false again as soon as the connection is lost. */
  isConnected(): boolean;
  /** Connects in the background and keeps reconnecting until `close()`. Never throws, never blocks. */
  start(): void;
  /** Hooks run in registration order; one registered while connected also runs at once. Returns the unregister function. */
  onConnected(hook: ConnectedHook): () => void;
  /** Called each time the connection becomes usable (after the hooks). Returns the unsubscribe function. */
  onAvailable(listener: () => void): () => void;
  /**
   * Drops the current connection and connects again: for a channel that died while its connection stayed open.
   * Re-running every hook on a fresh connection is simpler, and no less correct, than repairing one channel.
   */
  recycle(reason: string): void;
  /** The live connection, if any. */
  current(): ChannelModel | undefined;
  /** Stops reconnecting and closes the connection (its channels with it). */
  close(): Promise<void>;
}

/**
 * One AMQP connection per process, kept alive for as long as the service runs: after a lost connection it
 * reconnects with backoff and jitter, re-declares the topology and re-runs the registered hooks (channels,
 * consumer subscriptions). amqplib emits 'error' on connections and channels; every emitter created here has a
 * listener, so a broker going away is a log line, never an unhandled 'error' that kills the process.
 */
export const createBrokerConnection = (options: BrokerConnectionOptions): BrokerConnection => {
  const link = createBrokerLink(options);
  const { state } = link;
  return {
    namespace: link.namespace,
    isConnected: () => state.connected,
    start() {
      if (state.loop || state.closing) return;
      state.loop = keepConnected(link);
    },
    onConnected(hook) {
      link.hooks.add(hook);
      runHookOnLive(link, hook);
      return () => link.hooks.delete(hook);
    },
    onAvailable(listener) {
      link.availableListeners.add(listener);
      return () => link.availableListeners.delete(listener);
    },
    recycle: (reason) => recycleConnection(link, reason),
    current: () => state.live,
    close: () => closeBrokerLink(link),
  };
};
