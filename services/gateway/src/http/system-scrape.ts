import { request, type Dispatcher } from 'undici';
import { parseExposition, totalOf } from '../domain/prometheus-exposition.js';
import { neverReachedUpstream } from './upstream-pool.js';

/** What one look at a replica found: readiness from `/readyz`, numbers from its Prometheus `/metrics`. */
export interface ReplicaScrape {
  /** Milliseconds since the epoch, when the metrics were read (or the attempt given up). */
  at: number;
  ready: boolean;
  /** `outbox_pending`: messages written but not yet published. */
  outboxBacklog: number | null;
  /** `dead_letters`, every queue and transport: parked and not replayed. */
  deadLetters: number | null;
  /** `messages_consumed_total`, every type and outcome. */
  consumedTotal: number | null;
  /** `process_start_time_seconds`, to tell a restarted counter from a busy one. */
  startedAt: number | null;
  /** One line; null when both endpoints answered as expected. */
  error: string | null;
}

export interface ScrapeSettings {
  client: Dispatcher;
  /** Each endpoint's whole exchange, connecting included: a hung (SIGSTOPped) replica must not hold up the view. */
  timeoutMs: number;
  /** Aborts an exchange in flight when the sampler stops. */
  stopped?: AbortSignal;
  now: () => number;
}

const firstLine = (text: string): string => text.split('\n', 1)[0] ?? '';

const describeFailure = (path: string, error: unknown, settings: ScrapeSettings, timedOut: boolean): string => {
  if (timedOut) return `GET ${path}: no answer within ${settings.timeoutMs} ms`;
  if (neverReachedUpstream(error)) return `GET ${path}: could not connect`;
  return `GET ${path}: ${firstLine(error instanceof Error ? error.message : String(error))}`;
};

/** The body as text, or a one-line failure. */
const fetchText = async (origin: string, path: string, settings: ScrapeSettings): Promise<{ status: number; text: string } | string> => {
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  try {
    const { statusCode, body } = await request(`${origin}${path}`, {
      dispatcher: settings.client,
      signal: settings.stopped ? AbortSignal.any([timeout, settings.stopped]) : timeout,
    });
    return { status: statusCode, text: await body.text() };
  } catch (error) {
    return describeFailure(path, error, settings, timeout.aborted);
  }
};

/** `/readyz` answers `{ status, checks: { name: 'ok' | why } }`; a 503 names the checks that failed. */
const notReadyReason = (text: string, status: number): string => {
  try {
    const checks = (JSON.parse(text) as { checks?: Record<string, unknown> }).checks ?? {};
    const failed = Object.entries(checks).filter(([, result]) => result !== 'ok');
    if (failed.length > 0) return `not ready: ${failed.map(([name, result]) => `${name} ${firstLine(String(result))}`).join(', ')}`;
  } catch {
    // Not the platform's readiness body: the status says enough.
  }
  return `GET /readyz answered ${status}`;
};

const readReadiness = async (origin: string, settings: ScrapeSettings): Promise<{ ready: boolean; error: string | null }> => {
  const answer = await fetchText(origin, '/readyz', settings);
  if (typeof answer === 'string') return { ready: false, error: answer };
  return answer.status === 200 ? { ready: true, error: null } : { ready: false, error: notReadyReason(answer.text, answer.status) };
};

type MetricNumbers = Pick<ReplicaScrape, 'outboxBacklog' | 'deadLetters' | 'consumedTotal' | 'startedAt'>;

const NO_NUMBERS: MetricNumbers = { outboxBacklog: null, deadLetters: null, consumedTotal: null, startedAt: null };

const readMetrics = async (origin: string, settings: ScrapeSettings): Promise<MetricNumbers & { error: string | null }> => {
  const answer = await fetchText(origin, '/metrics', settings);
  if (typeof answer === 'string') return { ...NO_NUMBERS, error: answer };
  if (answer.status !== 200) return { ...NO_NUMBERS, error: `GET /metrics answered ${answer.status}` };
  try {
    const exposition = parseExposition(answer.text);
    return {
      outboxBacklog: totalOf(exposition, 'outbox_pending'),
      deadLetters: totalOf(exposition, 'dead_letters'),
      consumedTotal: totalOf(exposition, 'messages_consumed_total'),
      startedAt: totalOf(exposition, 'process_start_time_seconds'),
      error: null,
    };
  } catch (error) {
    return { ...NO_NUMBERS, error: `GET /metrics: ${firstLine((error as Error).message)}` };
  }
};

/** Never throws: whatever went wrong is the scrape's `error`, the first failure when both endpoints failed. */
export const scrapeReplica = async (origin: string, settings: ScrapeSettings): Promise<ReplicaScrape> => {
  const [readiness, metrics] = await Promise.all([readReadiness(origin, settings), readMetrics(origin, settings)]);
  return { ...metrics, at: settings.now(), ready: readiness.ready, error: readiness.error ?? metrics.error };
};
