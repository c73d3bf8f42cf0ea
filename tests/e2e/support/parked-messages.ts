import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import pg from 'pg';
import { ApiClient } from './api-client.js';
import { describeResponse } from './expectations.js';
import { signedBy } from './operator-credentials.js';
import type { RunningSystem } from './system.js';
import { eventually } from './wait.js';

/**
 * A dead letter that a repair can heal, produced through the real system in either transport: a CustomerRegistered
 * event, properly signed by the customer service, whose payload its contract refuses (an unknown role). On HTTP it is
 * pushed to the account service's `POST /internal/messages` (as the customer service's relay would), on RabbitMQ
 * published to the account's event queue; either way account parks it. Its repaired twin creates the account.
 */

export interface RepairableDeadLetter {
  /** The envelope as sent, with the refused payload. */
  readonly broken: Record<string, unknown>;
  /** The same envelope with a payload the contract accepts. */
  readonly repaired: Record<string, unknown>;
  /** The customer whose account the repaired event creates. */
  readonly customerId: string;
}

const ACCOUNT_EVENT_QUEUE = 'ordering.account.events';

const registrationFor = (customerId: string, role: string): Record<string, unknown> => ({
  customerId,
  role,
  registeredAt: new Date().toISOString(),
});

const publishToBroker = async (brokerUrl: string, body: string, headers: Record<string, string>): Promise<void> => {
  const connection = await connect(brokerUrl);
  try {
    const channel = await connection.createConfirmChannel();
    channel.sendToQueue(ACCOUNT_EVENT_QUEUE, Buffer.from(body), { persistent: true, contentType: 'application/json', headers });
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await connection.close();
  }
};

const pushOverHttp = async (system: RunningSystem, body: string, headers: Record<string, string>): Promise<void> => {
  const response = await new ApiClient(system.serviceUrls.account).post('/internal/messages', {
    raw: body,
    contentType: 'application/json',
    headers,
  });
  // 202 is the transport's "parked, do not resend".
  if (response.status !== 202) throw new Error(`the poison push was not parked: ${describeResponse(response)}`);
};

export const parkRepairableDeadLetter = async (system: RunningSystem): Promise<RepairableDeadLetter> => {
  const customerId = randomUUID();
  const broken: Record<string, unknown> = {
    id: randomUUID(),
    type: 'customer.CustomerRegistered.v1',
    source: 'customer',
    destination: 'account',
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: new Date().toISOString(),
    headers: {},
    payload: registrationFor(customerId, 'emperor'),
  };
  const body = JSON.stringify(broken);
  const headers = signedBy(system, 'customer', body);
  if (system.brokerUrl === undefined) await pushOverHttp(system, body, headers);
  else await publishToBroker(system.brokerUrl, body, headers);
  return { broken, repaired: { ...broken, payload: registrationFor(customerId, 'customer') }, customerId };
};

/** Waits until the account service holds an account for `customerId` (a white-box read: no public route lists them). */
export const waitForAccountOf = async (system: RunningSystem, customerId: string, timeoutMs = 60_000): Promise<number> => {
  const client = new pg.Client({ connectionString: system.databaseUrl('account') });
  await client.connect();
  try {
    const row = await eventually(
      async () => (await client.query<{ balance: string }>('select balance from accounts where customer_id = $1', [customerId])).rows[0],
      { what: `the account of ${customerId} created by the repaired event`, timeoutMs, context: () => system.tail(40) },
    );
    return Number(row.balance);
  } finally {
    await client.end();
  }
};
