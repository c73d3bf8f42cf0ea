import { connect, type ChannelModel } from 'amqplib';
import { retryDelayMs } from '../../runtime/retry-delay.js';
import { closeQuietly, type BrokerLink } from './broker-link.js';
import { closedSignal, notifyAvailable, prepareConnection } from './channel-lifecycle.js';

const CONNECT_TIMEOUT_MS = 5_000;

// noDelay: amqplib leaves Nagle's algorithm on, so each small publish or ack waited up to ~40 ms for the peer's
// delayed ACK; a saga's six hops paid it about six times at low load (docs/performance.md).
const open = ({ url, service }: BrokerLink): Promise<ChannelModel> =>
  connect(url, { timeout: CONNECT_TIMEOUT_MS, noDelay: true, clientProperties: { connection_name: service } });

const reportConnected = (link: BrokerLink): void => {
  const { log, namespace, state } = link;
  const downSince = state.lostAt;
  link.setConnected(true);
  link.attemptFailures.reset();
  if (downSince === undefined) log.info({ namespace }, 'connected to the broker, topology declared');
  else
    log.info({ namespace, downForMs: Date.now() - downSince }, 'broker connection restored, topology declared and consumers resubscribed');
  notifyAvailable(link);
};

const reportLost = (link: BrokerLink, reason: Error | undefined): void => {
  const { state } = link;
  state.live = undefined;
  link.setConnected(false);
  if (!state.closing) {
    state.lostAt = Date.now();
    link.log.warn({ err: reason }, 'broker connection lost, reconnecting with backoff');
  }
};

/** One connection's lifetime. Returns whether it ever became usable (which resets the backoff). */
const connectOnce = async (link: BrokerLink): Promise<boolean> => {
  const { state } = link;
  const connection = await open(link);
  state.live = connection;
  const closed = closedSignal(link, connection);
  try {
    await prepareConnection(link, connection);
  } catch (error) {
    state.live = undefined;
    await closeQuietly(connection);
    throw error;
  }
  if (state.closing) {
    state.live = undefined;
    await closeQuietly(connection);
    return true;
  }
  reportConnected(link);
  reportLost(link, await closed);
  return true;
};

/** Connects, and after every lost connection or failed attempt connects again with backoff, until close(). */
export const keepConnected = async (link: BrokerLink): Promise<void> => {
  const { state } = link;
  let failures = 0;
  while (!state.closing) {
    try {
      if (await connectOnce(link)) failures = 0;
    } catch (error) {
      failures += 1;
      link.attemptFailures.warn({ err: error, failures }, 'could not connect to the broker, retrying with backoff');
    }
    if (!state.closing) await link.pause.sleep(retryDelayMs(Math.max(failures, 1), link.backoff), { wakeable: false });
  }
};
