/** A replica's consumed-messages counter as read at one moment. */
export interface CounterReading {
  /** Milliseconds since the epoch. */
  at: number;
  total: number;
  /** The process's start (`process_start_time_seconds`), when it says: a new one means the counter began again. */
  startedAt: number | null;
}

export interface ThroughputPoint {
  /** When the later reading of the pair was taken (milliseconds since the epoch). */
  at: number;
  messagesPerSecond: number;
}

/** Rates are shown, not summed again: a thousandth of a message per second is precision enough. */
const roundRate = (rate: number): number => Math.round(rate * 1000) / 1000;

const restartedBetween = (earlier: CounterReading, later: CounterReading): boolean =>
  later.total < earlier.total || (earlier.startedAt !== null && later.startedAt !== null && later.startedAt !== earlier.startedAt);

/**
 * Messages counted from one reading to the next. A restarted process counts from zero again, so everything it
 * counted since (its whole total) is the least that happened; never a negative number.
 */
export const countedBetween = (earlier: CounterReading, later: CounterReading): number =>
  restartedBetween(earlier, later) ? later.total : later.total - earlier.total;

/** Messages per second between two readings; null when no time passed between them. */
export const rateBetween = (earlier: CounterReading, later: CounterReading): number | null => {
  const seconds = (later.at - earlier.at) / 1000;
  return seconds > 0 ? roundRate(countedBetween(earlier, later) / seconds) : null;
};

/** One point per pair of consecutive readings (oldest first), so n readings give at most n - 1 points. */
export const throughputOf = (readings: readonly CounterReading[]): ThroughputPoint[] =>
  readings.slice(1).flatMap((later, index) => {
    const rate = rateBetween(readings[index] as CounterReading, later);
    return rate === null ? [] : [{ at: later.at, messagesPerSecond: rate }];
  });

/** The readings taken within the last `windowMs` before `now`, oldest first. */
export const readingsWithin = (readings: readonly CounterReading[], now: number, windowMs: number): CounterReading[] =>
  readings.filter((reading) => reading.at >= now - windowMs);
