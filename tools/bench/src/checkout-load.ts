import { performance } from 'node:perf_hooks';
import type { LatencyMethod, LoadShape } from './bench-config.js';
import type { BenchCustomer, MenuItem } from './customer-pool.js';
import { errorKey, type HttpClient, type HttpResponse } from './http-client.js';
import { countInto } from './latency-stats.js';

/**
 * Checkouts through the gateway, closed-loop (C clients, each waiting for its saga to be terminal before the next) or
 * open-loop (sends on a fixed schedule, whatever the system does), each followed until its saga is terminal.
 */

export interface SagaView {
  readonly sagaId: string;
  readonly orderId: string;
  readonly status: 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'ABORTED';
  readonly reason?: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
}

/** One checkout the bench sent; times are performance.now() milliseconds. */
export interface CheckoutRecord {
  readonly customer: BenchCustomer;
  /** When it was due: the send time in a closed loop, the scheduled time in an open loop (so our own lateness counts). */
  readonly dueAt: number;
  acceptedAt?: number;
  saga?: SagaView;
  terminalAt?: number;
}

export interface LoadCounters {
  sent: number;
  accepted: number;
  terminal: number;
  inFlight: number;
  errors: number;
}

export interface LoadResult {
  readonly records: CheckoutRecord[];
  /** `POST 503`, `GET network:ECONNRESET`, … */
  readonly httpErrors: Record<string, number>;
  readonly startedAt: number;
  /** When the last checkout of the load window was sent (the window's end in a closed loop). */
  readonly loadEndedAt: number;
  /** When the last saga became terminal (or the drain gave up). */
  readonly drainedAt: number;
  /** Open loop only: sends more than LATE_MS after their scheduled time, the worst lateness, and sends skipped. */
  readonly late: number;
  readonly maxLatenessMs: number;
  readonly missed: number;
}

export interface LoadOptions {
  readonly client: HttpClient;
  readonly gatewayUrl: string;
  readonly customers: readonly BenchCustomer[];
  readonly menu: readonly MenuItem[];
  readonly load: LoadShape;
  readonly durationMs: number;
  readonly latencyMethod: LatencyMethod;
  readonly counters: LoadCounters;
  /** How long after the load window sagas may take to become terminal before the bench gives up on them. */
  readonly drainTimeoutMs?: number;
}

/** The longest `?wait` docs/api.md allows; a saga still running after it is then polled. */
const WAIT_SECONDS = 30;
export const POLL_INTERVAL_MS = 20;
/** An open-loop send this much after its schedule is counted as late (the client machine is busy too). */
export const LATE_MS = 10;
/** An open loop never holds more than this many checkouts; a send beyond it is counted as missed, not queued. */
const MAX_OPEN_IN_FLIGHT = 4096;
const DEFAULT_DRAIN_TIMEOUT_MS = 120_000;

const TERMINAL = new Set(['COMPLETED', 'ABORTED']);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/** One food and one drink: two order lines, the shape the yardstick writes too. */
const checkoutBody = (menu: readonly MenuItem[]): unknown => ({
  items: [
    { menuItemId: pick(menu.filter((item) => item.kind === 'food')).id, quantity: 1 },
    { menuItemId: pick(menu.filter((item) => item.kind === 'drink')).id, quantity: 1 },
  ],
});

class CheckoutRunner {
  readonly records: CheckoutRecord[] = [];
  readonly httpErrors: Record<string, number> = {};
  private readonly drainDeadline: { at: number } = { at: Number.POSITIVE_INFINITY };

  constructor(private readonly options: LoadOptions) {}

  setDrainDeadline(at: number): void {
    this.drainDeadline.at = at;
  }

  private noteError(method: string, response: HttpResponse): void {
    countInto(this.httpErrors, `${method} ${errorKey(response)}`);
    this.options.counters.errors += 1;
  }

  /** Sends one checkout and follows its saga until it is terminal (or the drain deadline passes). */
  async run(customer: BenchCustomer, dueAt: number): Promise<void> {
    const { client, gatewayUrl, menu, latencyMethod, counters } = this.options;
    const record: CheckoutRecord = { customer, dueAt };
    this.records.push(record);
    counters.sent += 1;
    counters.inFlight += 1;
    try {
      const query = latencyMethod === 'wait' ? `?wait=${WAIT_SECONDS}` : '';
      const response = await client.request(`${gatewayUrl}/api/checkout${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customer.token}` },
        body: checkoutBody(menu),
        timeoutMs: (WAIT_SECONDS + 10) * 1000,
      });
      const now = performance.now();
      if (response.status !== 200 && response.status !== 202) return this.noteError('POST', response);
      record.acceptedAt = now;
      record.saga = JSON.parse(response.text) as SagaView;
      counters.accepted += 1;
      if (TERMINAL.has(record.saga.status)) record.terminalAt = now;
      else await this.pollUntilTerminal(record);
      if (record.terminalAt !== undefined) counters.terminal += 1;
    } finally {
      counters.inFlight -= 1;
    }
  }

  private async pollUntilTerminal(record: CheckoutRecord): Promise<void> {
    const { client, gatewayUrl } = this.options;
    const sagaId = record.saga?.sagaId ?? '';
    while (performance.now() < this.drainDeadline.at) {
      await sleep(POLL_INTERVAL_MS);
      const response = await client.request(`${gatewayUrl}/api/checkout/${sagaId}`, {
        headers: { authorization: `Bearer ${record.customer.token}` },
        timeoutMs: 10_000,
      });
      if (response.status !== 200) {
        this.noteError('GET', response);
        continue;
      }
      const saga = JSON.parse(response.text) as SagaView;
      record.saga = saga;
      if (TERMINAL.has(saga.status)) {
        record.terminalAt = performance.now();
        return;
      }
    }
  }
}

const runClosedLoop = async (
  runner: CheckoutRunner,
  options: LoadOptions,
  concurrency: number,
): Promise<Omit<LoadResult, 'records' | 'httpErrors'>> => {
  const startedAt = performance.now();
  const loadEndsAt = startedAt + options.durationMs;
  runner.setDrainDeadline(loadEndsAt + (options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS));
  const client = async (index: number): Promise<void> => {
    const customer = options.customers[index % options.customers.length] as BenchCustomer;
    while (performance.now() < loadEndsAt) await runner.run(customer, performance.now());
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => client(index)));
  return { startedAt, loadEndedAt: loadEndsAt, drainedAt: performance.now(), late: 0, maxLatenessMs: 0, missed: 0 };
};

/**
 * Sends are due at start + i/rate. A timer wakes about every millisecond and sends everything due; a send that goes
 * out more than LATE_MS late is counted, and latency is measured from the due time, so a slow client cannot hide a
 * slow system (coordinated omission). Past MAX_OPEN_IN_FLIGHT a due send is counted as missed.
 */
const runOpenLoop = async (
  runner: CheckoutRunner,
  options: LoadOptions,
  rate: number,
): Promise<Omit<LoadResult, 'records' | 'httpErrors'>> => {
  const interval = 1000 / rate;
  const startedAt = performance.now();
  const loadEndsAt = startedAt + options.durationMs;
  runner.setDrainDeadline(loadEndsAt + (options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS));
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  let late = 0;
  let missed = 0;
  let maxLatenessMs = 0;
  for (;;) {
    const now = performance.now();
    for (let dueAt = startedAt + next * interval; dueAt <= now && dueAt < loadEndsAt; dueAt = startedAt + next * interval) {
      next += 1;
      const lateness = now - dueAt;
      maxLatenessMs = Math.max(maxLatenessMs, lateness);
      if (lateness > LATE_MS) late += 1;
      if (inFlight.size >= MAX_OPEN_IN_FLIGHT) {
        missed += 1;
        continue;
      }
      const customer = options.customers[next % options.customers.length] as BenchCustomer;
      const sending: Promise<void> = runner.run(customer, dueAt).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    }
    if (startedAt + next * interval >= loadEndsAt) break;
    await sleep(Math.min(1, Math.max(0, startedAt + next * interval - performance.now())));
  }
  const loadEndedAt = performance.now();
  await Promise.all(inFlight);
  return { startedAt, loadEndedAt, drainedAt: performance.now(), late, missed, maxLatenessMs };
};

export const runCheckoutLoad = async (options: LoadOptions): Promise<LoadResult> => {
  const runner = new CheckoutRunner(options);
  const timing =
    options.load.kind === 'closed'
      ? await runClosedLoop(runner, options, options.load.concurrency)
      : await runOpenLoop(runner, options, options.load.rate);
  return { ...timing, records: runner.records, httpErrors: runner.httpErrors };
};
