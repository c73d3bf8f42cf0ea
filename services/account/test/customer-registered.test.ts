import { describe, expect, it } from 'vitest';
import { useAccountParticipant } from './support/use-account-service.js';
import { aCustomerRegistered, aRetryOf } from './builders.js';

describe('customer.CustomerRegistered', () => {
  const { service, participant } = useAccountParticipant();

  it('when a customer registers, then their account exists with balance 0 and the event sends nothing back', async () => {
    const event = aCustomerRegistered();
    const { customerId } = event.payload;

    await participant.deliver(event);

    expect(await service.balanceOf(customerId)).toBe(0);
    expect((await service.getMe(await service.tokenFor(customerId))).json()).toMatchObject({ customerId, balance: 0, currency: 'JPY' });
    expect(await participant.repliesTo(event)).toEqual([]);
  });

  it('when the event is delivered again, then nothing changes: one account, its money untouched', async () => {
    const event = aCustomerRegistered();
    const { customerId } = event.payload;
    await participant.deliver(event);
    await participant.fund(customerId, 700);

    await participant.deliver(aRetryOf(event));
    await participant.deliver(event);

    expect(await service.countRows('accounts', customerId)).toBe(1);
    expect(await service.balanceOf(customerId)).toBe(700);
  });

  it('when the account was already opened lazily, then the late event does nothing', async () => {
    const event = aCustomerRegistered({ role: 'admin' });
    const { customerId } = event.payload;
    await participant.fund(customerId, 250);

    await participant.deliver(event);

    expect(await service.countRows('accounts', customerId)).toBe(1);
    expect(await service.balanceOf(customerId)).toBe(250);
  });
});
