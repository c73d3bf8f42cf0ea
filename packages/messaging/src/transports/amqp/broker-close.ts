import { closeQuietly, type BrokerLink } from './broker-link.js';

const CLOSE_TIMEOUT_MS = 2_000;

/** Drops the live connection so that the loop connects again (see {@link BrokerConnection.recycle}). */
export const recycleConnection = ({ state, log }: BrokerLink, reason: string): void => {
  const connection = state.live;
  if (!connection || state.closing) return;
  log.warn({ reason }, 'recycling the broker connection');
  void closeQuietly(connection);
};

/** Stops reconnecting and closes the connection, waiting a bounded time for an attempt in flight. */
export const closeBrokerLink = async (link: BrokerLink): Promise<void> => {
  const { state } = link;
  if (state.closing) return;
  state.closing = true;
  link.pause.interrupt();
  const connection = state.live;
  if (connection) await closeQuietly(connection);
  link.setConnected(false);
  // A connect attempt in flight finishes on its own (bounded by the connect timeout) and is closed then.
  const settled = Promise.race([state.loop ?? Promise.resolve(), new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())]);
  await settled;
  if (state.live) await closeQuietly(state.live);
  link.log.info('broker connection closed');
};
