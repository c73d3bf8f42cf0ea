import type { HttpClient } from './http-client.js';

/**
 * The orchestrator's own view of saga time: its `saga_duration_seconds` histogram (start of the saga to its terminal
 * state, measured inside the service). Read before and after a run, the difference gives the server-side mean for
 * that run's checkout sagas, to set beside the client's end-to-end latency (which adds the gateway, the `?wait`
 * or polling granularity and the client's own scheduling).
 */

export interface DurationTotals {
  readonly count: number;
  readonly sumSeconds: number;
}

export interface ServerSagaDuration {
  readonly sagas: number;
  readonly meanMs: number | null;
}

const SERIES = /^saga_duration_seconds_(sum|count)\{([^}]*)\}\s+([0-9.eE+-]+)$/;

/** Sums the checkout series of every status. */
export const parseSagaDurationTotals = (metricsText: string): DurationTotals => {
  let count = 0;
  let sumSeconds = 0;
  for (const line of metricsText.split('\n')) {
    const match = SERIES.exec(line.trim());
    if (!match || !match[2]?.includes('type="checkout"')) continue;
    if (match[1] === 'count') count += Number(match[3]);
    else sumSeconds += Number(match[3]);
  }
  return { count, sumSeconds };
};

/** Every orchestrator replica's totals added up: a saga finishes on whichever replica handled its last reply. */
export const readSagaDurationTotals = async (
  client: HttpClient,
  orchestratorUrls: readonly string[],
): Promise<DurationTotals | undefined> => {
  let count = 0;
  let sumSeconds = 0;
  for (const url of orchestratorUrls) {
    const response = await client.request(`${url}/metrics`, { headers: { accept: 'text/plain' }, timeoutMs: 10_000 });
    if (response.status !== 200) return undefined;
    const totals = parseSagaDurationTotals(response.text);
    count += totals.count;
    sumSeconds += totals.sumSeconds;
  }
  return { count, sumSeconds };
};

export const durationBetween = (before: DurationTotals | undefined, after: DurationTotals | undefined): ServerSagaDuration | null => {
  if (!before || !after) return null;
  const sagas = after.count - before.count;
  return { sagas, meanMs: sagas === 0 ? null : Math.round(((after.sumSeconds - before.sumSeconds) / sagas) * 100_000) / 100 };
};
