import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { contractOf, EnvelopeSchema, MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { useCustomerApp } from './support/use-customer-app.js';
import { bootstrapAdmin } from '../src/use-cases/bootstrap-admin.js';
import { aRegistration, aUniqueEmail, anAdmin } from './builders.js';
import { register } from './support/customer-test-app.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false }));
const isEnvelope = ajv.compile(EnvelopeSchema);
const isCustomerRegistered = ajv.compile(contractOf(MessageTypes.CustomerRegistered)!.schema);

interface OutboxRow {
  destination: string;
  message_type: string;
  status: string;
  message_id: string;
  envelope: { id: string; source: string; destination: string; correlationId: string; payload: unknown };
}

describe('CustomerRegistered through the outbox', () => {
  const service = useCustomerApp();

  const eventsFor = async (customerId: string): Promise<OutboxRow[]> =>
    (
      await service.database.pool.query<OutboxRow>(
        "select destination, message_type, status, message_id, envelope from outbox_messages where envelope->'payload'->>'customerId' = $1",
        [customerId],
      )
    ).rows;

  const outboxSize = async (): Promise<number> =>
    Number((await service.database.pool.query<{ count: string }>('select count(*) from outbox_messages')).rows[0]?.count);

  it('when a customer registers, then exactly one pending CustomerRegistered for account waits in the outbox, valid against its contract', async () => {
    const response = await register(service.app, aRegistration());
    expect(response.statusCode).toBe(201);
    const customer = response.json();

    const events = await eventsFor(customer.id);

    expect(events).toHaveLength(1);
    const [event] = events as [OutboxRow];
    expect(event).toMatchObject({
      destination: 'account',
      message_type: MessageTypes.CustomerRegistered,
      status: 'PENDING',
      message_id: event.envelope.id,
    });
    expect(isEnvelope(event.envelope), JSON.stringify(isEnvelope.errors)).toBe(true);
    expect(isCustomerRegistered(event.envelope.payload), JSON.stringify(isCustomerRegistered.errors)).toBe(true);
    expect(event.envelope).toMatchObject({ source: 'customer', destination: 'account', correlationId: customer.id });
    expect(event.envelope.payload).toEqual({ customerId: customer.id, role: 'customer', registeredAt: customer.createdAt });
  });

  it('when a registration is refused because the email is taken, then no event is written', async () => {
    const registration = aRegistration();
    await register(service.app, registration);
    const before = await outboxSize();

    const duplicate = await register(service.app, aRegistration({ email: registration.email.toUpperCase() }));

    expect(duplicate.statusCode).toBe(409);
    expect(await outboxSize()).toBe(before);
  });

  it('when a registration is refused as invalid, then no event is written', async () => {
    const before = await outboxSize();
    expect((await register(service.app, aRegistration({ password: 'short' }))).statusCode).toBe(400);
    expect(await outboxSize()).toBe(before);
  });

  it('when ten registrations of one email race, then one customer and one event exist', async () => {
    const email = aUniqueEmail('race');
    const before = await outboxSize();

    const responses = await Promise.all(Array.from({ length: 10 }, () => register(service.app, aRegistration({ email }))));

    const created = responses.filter((response) => response.statusCode === 201);
    expect(created).toHaveLength(1);
    expect(await outboxSize()).toBe(before + 1);
    expect(await eventsFor(created[0]!.json().id)).toHaveLength(1);
  });

  it('when the bootstrap creates the admin, then the admin is announced once, and later runs announce nothing', async () => {
    const admin = anAdmin();

    await bootstrapAdmin(service.database, service.passwordHasher, admin);
    const { rows } = await service.database.pool.query<{ id: string }>('select id from customers where lower(email) = lower($1)', [
      admin.email,
    ]);
    const adminId = rows[0]!.id;
    const before = await outboxSize();
    await bootstrapAdmin(service.database, service.passwordHasher, admin);
    await bootstrapAdmin(service.database, service.passwordHasher, { ...admin, password: 'another admin password' });

    const events = await eventsFor(adminId);
    expect(events).toHaveLength(1);
    expect(events[0]?.envelope.payload).toMatchObject({ customerId: adminId, role: 'admin' });
    expect(isCustomerRegistered(events[0]?.envelope.payload)).toBe(true);
    expect(await outboxSize()).toBe(before);
  });

  it('when the admin email belongs to a registered customer, then the bootstrap writes no second event', async () => {
    const registration = aRegistration();
    const customer = (await register(service.app, registration)).json();

    await bootstrapAdmin(service.database, service.passwordHasher, {
      email: registration.email,
      password: 'the configured admin password',
    });

    expect(await eventsFor(customer.id)).toHaveLength(1);
  });
});
