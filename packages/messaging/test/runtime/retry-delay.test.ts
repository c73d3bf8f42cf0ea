import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, retryDelayMs } from '../../src/index.js';

describe('retry delay', () => {
  it('when failures accumulate, then the ceiling doubles from 200 ms and stops at 30 s', () => {
    const highest = (failures: number) => retryDelayMs(failures, DEFAULT_BACKOFF, () => 1);
    expect([1, 2, 3, 4].map(highest)).toEqual([200, 400, 800, 1_600]);
    expect(highest(12)).toBe(30_000);
    expect(highest(1_000)).toBe(30_000);
  });

  it('when the jitter draws zero, then the delay is still the 200 ms floor, never a hot retry', () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, () => 0)).toBe(200);
    expect(retryDelayMs(9, DEFAULT_BACKOFF, () => 0)).toBe(200);
  });

  it('when drawn at random, then every delay lies between the floor and the ceiling', () => {
    for (let failures = 1; failures <= 15; failures += 1) {
      const delay = retryDelayMs(failures);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(Math.min(30_000, 200 * 2 ** (failures - 1)));
    }
  });
});
