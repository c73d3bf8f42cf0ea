import { stoppedAfterEachTest } from '@ordering/testing';
import { Agent } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSystemSampler, type SystemSampler, type SystemSamplerOptions } from '../src/http/system-sampler.js';
import { refusingUrl } from './support/upstream-server.js';
import { startHangingReplica, startMetricsReplica } from './support/metrics-replica.js';

const { start: startReplica } = stoppedAfterEachTest(startMetricsReplica, (replica) => replica.close());
const { start: startHanging } = stoppedAfterEachTest(startHangingReplica, (replica) => replica.close());

const client = new Agent({ connections: 8 });
const samplers: SystemSampler[] = [];
afterEach(() => {
  for (const sampler of samplers.splice(0)) sampler.stop();
});
afterAll(() => client.close());

/** Time the test moves by hand; a timer interval (an hour unless given) that never fires on its own during a test. */
const aSampler = (orderReplicas: string[], options: Partial<SystemSamplerOptions> = {}) => {
  const clock = { now: 1_800_000_000_000 };
  const sampler = createSystemSampler({
    upstreams: [{ name: 'order', replicas: orderReplicas }],
    client,
    intervalMs: 3_600_000,
    now: () => clock.now,
    ...options,
  });
  samplers.push(sampler);
  return { sampler, clock };
};

const onlyReplica = async (sampler: SystemSampler) => {
  const [service] = (await sampler.view()).services;
  expect(service?.replicas).toHaveLength(1);
  return service?.replicas[0];
};

describe('system sampler', () => {
  it('when first viewed, then it starts sampling and answers with the first round: numbers, but no rate yet', async () => {
    const replica = await startReplica();
    Object.assign(replica, { outboxPending: 4, deadLetters: { http: 2, rabbitmq: 1 }, consumed: 100 });
    const { sampler, clock } = aSampler([replica.url]);
    expect(sampler.sampling).toBe(false);

    const view = await sampler.view();

    expect(sampler.sampling).toBe(true);
    expect(view.sampledAt).toBe(clock.now);
    expect(view.services[0]?.replicas[0]).toMatchObject({
      url: replica.url,
      latest: { ready: true, outboxBacklog: 4, deadLetters: 3, consumedTotal: 100, error: null },
      messagesPerSecond: null,
      throughput: [],
    });
  });

  it('when viewed again before the next round, then the same round is served without scraping again', async () => {
    const replica = await startReplica();
    const { sampler } = aSampler([replica.url]);

    await sampler.view();
    await sampler.view();

    expect(replica.scrapes).toBe(1);
  });

  it('when two rounds read the counter 10 s apart, then messages per second is the growth over those 10 s', async () => {
    const replica = await startReplica();
    replica.consumed = 100;
    const { sampler, clock } = aSampler([replica.url]);
    await sampler.view();

    replica.consumed = 160;
    clock.now += 10_000;
    await sampler.sampleNow();

    const sampled = await onlyReplica(sampler);
    expect(sampled?.messagesPerSecond).toBe(6);
    expect(sampled?.throughput).toEqual([{ at: clock.now, messagesPerSecond: 6 }]);
  });

  it('when the replica restarted between rounds (counter back near zero), then the rate is its new count, not negative', async () => {
    const replica = await startReplica();
    replica.consumed = 5_000;
    const { sampler, clock } = aSampler([replica.url]);
    await sampler.view();

    Object.assign(replica, { consumed: 30, startedAt: replica.startedAt + 60 });
    clock.now += 10_000;
    await sampler.sampleNow();

    expect((await onlyReplica(sampler))?.messagesPerSecond).toBe(3);
  });

  it('when rounds span more than the history, then only the readings of the history window make points, oldest first', async () => {
    const replica = await startReplica();
    const { sampler, clock } = aSampler([replica.url], { historyMs: 25_000 });
    await sampler.view();
    for (const consumed of [10, 30, 60, 100]) {
      replica.consumed = consumed;
      clock.now += 10_000;
      await sampler.sampleNow();
    }

    const sampled = await onlyReplica(sampler);
    expect(sampled?.throughput.map((point) => point.messagesPerSecond)).toEqual([3, 4]);
    expect(sampled?.messagesPerSecond).toBe(4);
  });

  it('when a replica refuses connections, then it is not ready, without numbers or rate, with a one-line error', async () => {
    const { sampler } = aSampler([await refusingUrl()]);

    const sampled = await onlyReplica(sampler);

    expect(sampled?.latest).toMatchObject({ ready: false, outboxBacklog: null, deadLetters: null, consumedTotal: null });
    expect(sampled?.latest.error).toBe('GET /readyz: could not connect');
    expect(sampled?.messagesPerSecond).toBeNull();
  });

  it('when a replica accepts connections but never answers, then the view answers after the timeout with the replica not ready', async () => {
    const hanging = await startHanging();
    const live = await startReplica();
    const { sampler } = aSampler([hanging.url, live.url], { timeoutMs: 1_500 });

    const startedAt = performance.now();
    const view = await sampler.view();

    // The timeout plus room for a loaded machine, far below undici's own (300 s) default.
    expect(performance.now() - startedAt).toBeLessThan(8_000);
    const [stuck, answering] = view.services[0]?.replicas ?? [];
    expect(stuck?.latest).toMatchObject({ ready: false, outboxBacklog: null, error: 'GET /readyz: no answer within 1500 ms' });
    expect(answering?.latest).toMatchObject({ ready: true, error: null });
  });

  it('when a replica is not ready, then the failing checks are its error while its numbers are still read', async () => {
    const replica = await startReplica();
    Object.assign(replica, { ready: false, outboxPending: 7 });
    const { sampler } = aSampler([replica.url]);

    const sampled = await onlyReplica(sampler);

    expect(sampled?.latest).toMatchObject({ ready: false, outboxBacklog: 7, error: 'not ready: database timed out' });
  });

  it('when nobody viewed it for the idle time, then it stops sampling and forgets its readings', async () => {
    const replica = await startReplica();
    const { sampler, clock } = aSampler([replica.url], { intervalMs: 20, idleMs: 60_000 });
    await sampler.view();
    await expect.poll(() => replica.scrapes, { timeout: 10_000 }).toBeGreaterThan(1);

    clock.now += 60_000;

    await expect.poll(() => sampler.sampling, { timeout: 10_000 }).toBe(false);
    const scrapesWhenStopped = replica.scrapes;
    // Viewed again: a fresh start, so there is no reading from before the stop to make a rate with.
    replica.consumed = 1_000;
    clock.now += 10_000;
    const sampled = await onlyReplica(sampler);
    expect(sampled?.throughput).toEqual([]);
    expect(replica.scrapes).toBeGreaterThan(scrapesWhenStopped);
  });

  it('when stopped during a round (the app closing), then the round is cut short and nothing is kept', async () => {
    const hanging = await startHanging();
    const { sampler } = aSampler([hanging.url], { timeoutMs: 600_000 });
    const viewing = sampler.view();
    await expect.poll(() => hanging.accepted, { timeout: 10_000 }).toBeGreaterThan(0);

    sampler.stop();

    // Answers now (the test's timeout is far below the scrape's), with nothing sampled.
    expect((await viewing).services[0]?.replicas).toEqual([]);
    expect(sampler.sampling).toBe(false);
  });
});
