import { performance } from 'node:perf_hooks';
import { errorKey, type HttpClient } from './http-client.js';
import { countInto, summarizeLatencies, type LatencySummary } from './latency-stats.js';
import { nginxAvailable, startNginxProxy } from './nginx-proxy.js';

/**
 * The price of the gateway hop: the same public read route (GET /api/menu, served by the order service) measured
 * through the gateway, directly against the service, and through nginx in front of the same service, one after the
 * other in the same run, closed-loop at the same concurrency.
 */

export const OVERHEAD_ROUTE = '/api/menu';

export interface ReadRouteResult {
  readonly target: 'gateway' | 'direct' | 'nginx';
  readonly url: string;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: LatencySummary;
  readonly errors: Record<string, number>;
}

export interface GatewayOverhead {
  readonly route: string;
  readonly concurrency: number;
  readonly seconds: number;
  readonly results: readonly ReadRouteResult[];
  /** Throughput through the gateway (nginx) divided by direct throughput: 1 would be a free hop. */
  readonly gatewayToDirectThroughput: number | null;
  readonly nginxToDirectThroughput: number | null;
  /** p50 latency through the gateway (nginx) divided by the direct p50. */
  readonly gatewayToDirectP50: number | null;
  readonly nginxToDirectP50: number | null;
  /** Why nginx is missing, when it is. */
  readonly nginxSkipped?: string;
}

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : Math.round((a / b) * 1000) / 1000;

const measure = async (
  client: HttpClient,
  target: ReadRouteResult['target'],
  baseUrl: string,
  concurrency: number,
  durationMs: number,
): Promise<ReadRouteResult> => {
  const url = `${baseUrl}${OVERHEAD_ROUTE}`;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const started = performance.now();
  const endsAt = started + durationMs;
  const loop = async (): Promise<void> => {
    while (performance.now() < endsAt) {
      const t0 = performance.now();
      const response = await client.request(url, { timeoutMs: 10_000 });
      if (response.status === 200) latencies.push(performance.now() - t0);
      else countInto(errors, errorKey(response));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  return {
    target,
    url,
    requests: latencies.length,
    requestsPerSecond: Math.round((latencies.length / elapsed) * 10) / 10,
    latencyMs: summarizeLatencies(latencies),
    errors,
  };
};

export const measureGatewayOverhead = async (
  client: HttpClient,
  urls: { gateway: string; service: string },
  concurrency: number,
  durationMs: number,
  log: (line: string) => void,
): Promise<GatewayOverhead> => {
  // A short warm-up per target, so JIT and connection set-up are not part of the figure.
  const warmUpMs = Math.min(1000, durationMs / 4);
  const run = async (target: ReadRouteResult['target'], baseUrl: string): Promise<ReadRouteResult> => {
    log(`read route ${OVERHEAD_ROUTE} via ${target} (${concurrency} clients, ${durationMs / 1000} s)`);
    await measure(client, target, baseUrl, concurrency, warmUpMs);
    return measure(client, target, baseUrl, concurrency, durationMs);
  };
  const results: ReadRouteResult[] = [await run('gateway', urls.gateway), await run('direct', urls.service)];
  let nginxSkipped: string | undefined;
  if (await nginxAvailable()) {
    const proxy = await startNginxProxy(urls.service);
    try {
      results.push(await run('nginx', proxy.url));
    } finally {
      await proxy.stop();
    }
  } else {
    nginxSkipped = 'nginx is not installed';
  }
  const byTarget = (target: ReadRouteResult['target']): ReadRouteResult | undefined => results.find((result) => result.target === target);
  const direct = byTarget('direct');
  return {
    route: OVERHEAD_ROUTE,
    concurrency,
    seconds: durationMs / 1000,
    results,
    gatewayToDirectThroughput: ratio(byTarget('gateway')?.requestsPerSecond, direct?.requestsPerSecond),
    nginxToDirectThroughput: ratio(byTarget('nginx')?.requestsPerSecond, direct?.requestsPerSecond),
    gatewayToDirectP50: ratio(byTarget('gateway')?.latencyMs.p50, direct?.latencyMs.p50),
    nginxToDirectP50: ratio(byTarget('nginx')?.latencyMs.p50, direct?.latencyMs.p50),
    ...(nginxSkipped ? { nginxSkipped } : {}),
  };
};
