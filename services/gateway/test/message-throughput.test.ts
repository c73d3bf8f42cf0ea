import { describe, expect, it } from 'vitest';
import { countedBetween, rateBetween, readingsWithin, throughputOf, type CounterReading } from '../src/domain/message-throughput.js';

const STARTED = 1_700_000_000;

const reading = (seconds: number, total: number, startedAt: number | null = STARTED): CounterReading => ({
  at: seconds * 1000,
  total,
  startedAt,
});

describe('message throughput', () => {
  it('when the counter grew between two readings, then the rate is the growth over the seconds between them', () => {
    expect(countedBetween(reading(0, 100), reading(10, 160))).toBe(60);
    expect(rateBetween(reading(0, 100), reading(10, 160))).toBe(6);
  });

  it('when the counter went down (a restart), then the rate counts the new total, never a negative one', () => {
    expect(rateBetween(reading(0, 500), reading(10, 20, null))).toBe(2);
  });

  it('when the process start time changed, then it is a restart even though the counter is higher again', () => {
    expect(countedBetween(reading(0, 100), reading(10, 130, STARTED + 5))).toBe(130);
  });

  it('when the start time is unknown and the counter grew, then it is the same process', () => {
    expect(countedBetween(reading(0, 100, null), reading(10, 130, null))).toBe(30);
  });

  it('when no time passed between two readings, then there is no rate', () => {
    expect(rateBetween(reading(10, 1), reading(10, 5))).toBeNull();
  });

  it('when a rate is a long fraction, then it is rounded to thousandths', () => {
    expect(rateBetween(reading(0, 0), reading(3, 1))).toBe(0.333);
  });

  it('when readings are given, then each consecutive pair is a point at the later one, oldest first', () => {
    const points = throughputOf([reading(0, 0), reading(10, 50), reading(20, 50), reading(30, 10, STARTED + 25)]);

    expect(points).toEqual([
      { at: 10_000, messagesPerSecond: 5 },
      { at: 20_000, messagesPerSecond: 0 },
      { at: 30_000, messagesPerSecond: 1 },
    ]);
  });

  it('when fewer than two readings are kept, then there are no points', () => {
    expect(throughputOf([])).toEqual([]);
    expect(throughputOf([reading(0, 9)])).toEqual([]);
  });

  it('when readings are older than the window, then they are dropped and the rest kept in order', () => {
    const kept = readingsWithin([reading(0, 1), reading(100, 2), reading(200, 3), reading(400, 4)], 400_000, 300_000);

    expect(kept.map((kept) => kept.total)).toEqual([2, 3, 4]);
  });
});
