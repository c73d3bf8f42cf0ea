import { describe, expect, it } from 'vitest';
import { formatCount, formatRate, totalRate } from '../src/system/format-rate.js';

describe('formatRate', () => {
  it.each([
    [null, '—'],
    [Number.NaN, '—'],
    [0, '0/s'],
    [0.04, '<0.1/s'],
    [0.1, '0.1/s'],
    [7.25, '7.3/s'],
    [12.4, '12/s'],
    [999.4, '999/s'],
    [1500, '1.5k/s'],
  ])('when the rate is %s, then it reads %s', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });
});

describe('formatCount', () => {
  it('when the count is unknown, then it is a dash, else grouped by thousands', () => {
    expect(formatCount(null)).toBe('—');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(12345)).toBe('12,345');
  });
});

describe('totalRate', () => {
  it('when some replicas know their rate, then the service rate is their sum', () => {
    expect(totalRate([1.5, null, 2])).toBe(3.5);
  });

  it('when no replica knows its rate, then the service rate is unknown', () => {
    expect(totalRate([null, null])).toBeNull();
    expect(totalRate([])).toBeNull();
  });
});
