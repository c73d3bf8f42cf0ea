import { MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { aCheckout } from './builders.js';
import { useSagaTestBed } from './support/saga-test-bed.js';
import { fail, succeed } from './support/simulated-participants.js';

const bed = useSagaTestBed();

const runCheckout = async (elapsedMs: number): Promise<void> => {
  const engine = bed.newEngine();
  await bed.database.db.transaction((tx) => engine.start(tx, aCheckout()));
  bed.clock.advance(elapsedMs);
  await bed.participants.runUntilQuiet(engine);
};

describe('saga metrics', () => {
  it('when sagas start and finish, then the started and finished counters and the duration histogram move, by type, status and reason', async () => {
    await runCheckout(1_500);
    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    await runCheckout(500);
    bed.participants.script(MessageTypes.DebitAccount, succeed());
    await runCheckout(250);

    expect(await bed.metricValue('saga_started_total', { type: 'test-checkout' })).toBe(3);
    expect(await bed.metricValue('saga_finished_total', { type: 'test-checkout', status: 'COMPLETED', reason: 'NONE' })).toBe(2);
    expect(await bed.metricValue('saga_finished_total', { type: 'test-checkout', status: 'ABORTED', reason: 'INSUFFICIENT_FUNDS' })).toBe(
      1,
    );
    expect(await bed.metricValue('saga_duration_seconds', { type: 'test-checkout', status: 'COMPLETED' }, 'count')).toBe(2);
    expect(await bed.metricValue('saga_duration_seconds', { type: 'test-checkout', status: 'COMPLETED' }, 'sum')).toBeCloseTo(1.75);
    expect(await bed.metricValue('saga_duration_seconds', { type: 'test-checkout', status: 'ABORTED' }, 'sum')).toBeCloseTo(0.5);
  });

  it('when the metrics are scraped, then the saga series are in the registry exposition with the service label', async () => {
    await runCheckout(10);
    const text = await bed.metrics.registry.metrics();
    const series = (name: string, labels: Record<string, string>): string | undefined =>
      text
        .split('\n')
        .find((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)));
    expect(series('saga_started_total', { service: 'orchestrator', type: 'test-checkout' })).toMatch(/ 1$/);
    expect(series('saga_finished_total', { service: 'orchestrator', type: 'test-checkout', status: 'COMPLETED', reason: 'NONE' })).toMatch(
      / 1$/,
    );
    expect(series('saga_duration_seconds_count', { service: 'orchestrator', type: 'test-checkout', status: 'COMPLETED' })).toMatch(/ 1$/);
    expect(text).toContain('# TYPE saga_stale_replies_total counter');
    expect(text).toContain('# TYPE saga_step_retries_total counter');
  });
});
