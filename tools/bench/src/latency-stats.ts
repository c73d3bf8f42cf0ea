/** Exact percentiles over every sample: a run has at most a few hundred thousand, so sorting them is cheap and honest. */

export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** Nearest-rank percentile: the smallest sample with at least p% of the samples at or below it. */
const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

export const summarizeLatencies = (samples: readonly number[]): LatencySummary => {
  if (samples.length === 0) return { count: 0, p50: null, p90: null, p99: null, max: null, mean: null };
  const sorted = Float64Array.from(samples).sort();
  const asArray = Array.from(sorted);
  const total = asArray.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: round(percentile(asArray, 50)),
    p90: round(percentile(asArray, 90)),
    p99: round(percentile(asArray, 99)),
    max: round(asArray[asArray.length - 1] ?? 0),
    mean: round(total / sorted.length),
  };
};

/** `{ '429': 3, 'network:ECONNRESET': 1 }` grows by one. */
export const countInto = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};
