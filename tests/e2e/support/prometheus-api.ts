/**
 * The Prometheus HTTP API (/api/v1), as the e2e suite reads it: instant queries and the active targets.
 * https://prometheus.io/docs/prometheus/2.42/querying/api/
 */

export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  /** [unix seconds, value as a string] */
  readonly value: readonly [number, string];
}

export interface QueryAnswer {
  readonly status: 'success' | 'error';
  readonly data?: { readonly resultType: string; readonly result: unknown };
  readonly errorType?: string;
  readonly error?: string;
}

export interface ActiveTarget {
  readonly labels: Readonly<Record<string, string>>;
  readonly scrapeUrl: string;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
}

const REQUEST_TIMEOUT_MS = 10_000;

export class PrometheusApi {
  constructor(readonly baseUrl: string) {}

  /** The answer as Prometheus gives it, errors included (a bad expression is a 400 with status "error"). */
  async query(expr: string): Promise<QueryAnswer> {
    const response = await fetch(`${this.baseUrl}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }).toString(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    try {
      return JSON.parse(text) as QueryAnswer;
    } catch {
      return { status: 'error', errorType: `HTTP ${response.status}`, error: text.slice(0, 300) };
    }
  }

  /** An instant vector; throws with Prometheus's error otherwise. */
  async vector(expr: string): Promise<Sample[]> {
    const answer = await this.query(expr);
    if (answer.status !== 'success' || answer.data?.resultType !== 'vector') {
      throw new Error(`${expr} -> ${answer.status} ${answer.errorType ?? answer.data?.resultType ?? ''}: ${answer.error ?? ''}`);
    }
    return answer.data.result as Sample[];
  }

  async activeTargets(): Promise<ActiveTarget[]> {
    const response = await fetch(`${this.baseUrl}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = (await response.json()) as { data: { activeTargets: ActiveTarget[] } };
    return body.data.activeTargets;
  }
}

const SUFFIXES_OF_TYPE: Readonly<Record<string, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** Every series name a `/metrics` page exposes, from its `# TYPE` lines (a histogram's _bucket/_sum/_count included). */
export const exposedMetricNames = (exposition: string): string[] =>
  [...exposition.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/gm)].flatMap(([, name = '', type = '']) => [
    name,
    ...(SUFFIXES_OF_TYPE[type] ?? []).map((suffix) => `${name}${suffix}`),
  ]);
