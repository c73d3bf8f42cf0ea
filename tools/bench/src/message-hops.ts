import pg from 'pg';
import { BACKEND_SERVICES, messageFlows } from '@ordering/contracts';
import { databaseUrl } from '@ordering/embedded-database';
import { summarizeLatencies, type LatencySummary } from './latency-stats.js';

/**
 * Where a saga's time goes between services, read from the services' own tables (a white-box diagnostic, after the
 * load): for every message, the sender's outbox row (created_at: when the row was inserted, clock_timestamp() at
 * the insert, so a little before the sender's commit; while it was now(), it was the start of the sender's
 * transaction, which made every hop look longer by the rest of that transaction; sent_at: when it was marked sent)
 * and the receiver's inbox row (received_at: the consuming transaction). All three are timestamps of the same
 * PostgreSQL server, so they share a clock.
 */

export interface HopSummary {
  readonly messageType: string;
  readonly from: string;
  readonly to: string;
  /**
   * Outbox created_at (the row's insert) -> inbox received_at: the rest of the sender's transaction, the send, and the receiver starting
   * its own.
   */
  readonly toReceivedMs: LatencySummary;
  /** Inbox received_at -> outbox sent_at: the receiver's handling plus the rest of the sender's relay batch. */
  readonly receivedToMarkedSentMs: LatencySummary;
}

/** The services that receive messages (the system map's flows): each hop ends in one of their inboxes. */
const SERVICES = BACKEND_SERVICES.filter((service) => messageFlows().some((flow) => flow.to === service));

interface OutboxRow {
  message_id: string;
  message_type: string;
  destination: string;
  created_ms: string;
  sent_ms: string | null;
}

const readRows = async <T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> => {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
};

export const measureMessageHops = async (serverUrl: string, databasePrefix: string): Promise<HopSummary[]> => {
  const outboxes = new Map<string, OutboxRow[]>();
  const received = new Map<string, number>();
  for (const service of SERVICES) {
    const url = databaseUrl(serverUrl, `${databasePrefix}${service}`);
    outboxes.set(
      service,
      await readRows<OutboxRow>(
        url,
        'SELECT message_id, message_type, destination, extract(epoch from created_at) * 1000 AS created_ms, extract(epoch from sent_at) * 1000 AS sent_ms FROM outbox_messages',
      ),
    );
    for (const row of await readRows<{ message_id: string; received_ms: string }>(
      url,
      'SELECT message_id, extract(epoch from received_at) * 1000 AS received_ms FROM inbox_messages',
    )) {
      received.set(row.message_id, Number(row.received_ms));
    }
  }
  const hops = new Map<string, { from: string; to: string; toReceived: number[]; toSent: number[] }>();
  for (const [from, rows] of outboxes) {
    for (const row of rows) {
      const receivedAt = received.get(row.message_id);
      if (receivedAt === undefined) continue;
      const hop = hops.get(row.message_type) ?? { from, to: row.destination, toReceived: [], toSent: [] };
      hop.toReceived.push(receivedAt - Number(row.created_ms));
      if (row.sent_ms !== null) hop.toSent.push(Number(row.sent_ms) - receivedAt);
      hops.set(row.message_type, hop);
    }
  }
  return [...hops.entries()].map(([messageType, hop]) => ({
    messageType,
    from: hop.from,
    to: hop.to,
    toReceivedMs: summarizeLatencies(hop.toReceived),
    receivedToMarkedSentMs: summarizeLatencies(hop.toSent),
  }));
};
