import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode } from '@ordering/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse, CheckoutLine, MenuItem, Order, Saga } from './api-client.js';
import { aCustomer, anIdempotencyKey } from './builders.js';
import { expectStatus } from './expectations.js';
import {
  adminToken,
  expectMoneyInvariants,
  terminalSagaOf,
  waitForQuietSagas,
  waitForTerminalSagas,
  type CustomerSession,
  type TrackedSaga,
} from './sagas.js';
import type { RunningSystem, StartSystemOptions } from './system.js';
import { useSystemPerSuite } from './system-per-suite.js';
import { eventually } from './wait.js';

/**
 * Faults under load, as one reusable suite. Checkouts (and a few cancels and deposits) stream in from 20 workers while
 * each disruption of the suite happens in turn (a process killed with SIGKILL, the broker stopped, the database
 * restarted) and the system recovers. Requests may fail during an outage (502/503/504, refused or reset
 * connections), but every saga that was accepted must end COMPLETED or ABORTED, no order may stay PENDING, and the
 * money invariants of docs/api.md must hold for every customer. Bounded waits only.
 *
 * The load is closed-loop: most checkouts and every cancel use `?wait=5`, so a worker sends its next request only
 * once the system kept up with the last one (or 5 s passed). An open-loop stream of 202s would measure how fast a
 * backlog drains on this machine, not whether the sagas recover from the crashes.
 */

const CUSTOMERS = 10;
const WORKERS = 20;
/** Enough for about half of what the workers order in a run: later checkouts also take the INSUFFICIENT_FUNDS path. */
const INITIAL_DEPOSIT = 25_000;
const TOP_UP = 5_000;
/** `?wait` of the closed-loop requests. */
const WAIT_SECONDS = 5;
/** Accepted sagas to see between two kills, so every kill lands in a running stream. */
const ACCEPTED_BETWEEN_KILLS = 25;
/** The issues' bound: within this long of the last recovery, every accepted saga is terminal. */
const SETTLE_MS = 60_000;
const DISRUPTION_TIMEOUT_MS = 900_000;
const REQUEST_TIMEOUT_MS = 15_000;

type Operation = 'checkout' | 'cancel' | 'deposit';

interface Session extends CustomerSession {
  /** Orders of checkouts seen COMPLETED and not yet cancelled: candidates for a cancel. */
  readonly approvedOrderIds: string[];
}

interface AcceptedSaga extends TrackedSaga {
  readonly type: Saga['type'];
  readonly orderId: string;
  /** True when the checkout named a menu item that does not exist. */
  readonly unknownItem: boolean;
}

/** One bad thing, done to the running system; resolves once the system is ready again, with what it observed. */
export interface Disruption {
  readonly name: string;
  disrupt(system: RunningSystem, setPhase: (phase: string) => void): Promise<Record<string, unknown>>;
}

export interface LoadUnderDisruptionOptions {
  /** The describe block's title. */
  readonly title: string;
  /** The first test's title: what happens while the load runs. */
  readonly scenario: string;
  /** The disruptions, decided once the system runs (e.g. one per process of its state file). */
  readonly disruptions: (system: RunningSystem) => Disruption[];
  readonly system?: StartSystemOptions;
  /** The infrastructure came back by itself: then no supervised process may have restarted. */
  readonly noProcessMayRestart?: boolean;
}

interface DisruptionRecord {
  readonly name: string;
  readonly startedAt: string;
  readonly readyAt: string;
  readonly acceptedBefore: number;
  readonly observed: Record<string, unknown>;
}

/** Process restarts so far, by name: the launcher's state file counts them. */
const restartsOf = (system: RunningSystem): Record<string, number> =>
  Object.fromEntries(system.state().processes.map((entry) => [entry.name, entry.restarts]));

/** kill -9 of one supervised process; the launcher must bring it back. */
export const killWithSigkill = (name: string): Disruption => ({
  name: `kill -9 ${name}`,
  async disrupt(system, setPhase) {
    const before = system.processState(name);
    const pid = system.killProcess(name, 'SIGKILL');
    setPhase(`${name} killed, waiting for its restart`);
    const after = await system.waitForRestart(name, pid, 120_000);
    setPhase(`${name} restarted as pid ${after.pid}, waiting for every /readyz`);
    await system.waitUntilReady(120_000);
    expect(after.restarts, system.crashReport(name)).toBe(before.restarts + 1);
    return { pid, newPid: after.pid };
  },
});

/** Where the outcome of a request goes: `checkout 202`, `cancel 409 ORDER_NOT_CANCELLABLE`, `deposit connection ECONNREFUSED`, … */
const kindOfResponse = (operation: Operation, response: ApiResponse): string => {
  const code = (response.body as { code?: unknown } | undefined)?.code;
  return `${operation} ${response.status}${response.status >= 400 && typeof code === 'string' ? ` ${code}` : ''}`;
};

const kindOfError = (operation: Operation, error: unknown): string => {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return `${operation} timeout`;
    const cause = (error as { cause?: { name?: unknown } }).cause;
    const code = errorCode(error) ?? (typeof cause?.name === 'string' ? cause.name : error.message);
    return `${operation} connection ${code}`;
  }
  return `${operation} ${String(error)}`;
};

/**
 * What an outage may cause. Anything else is worth a report: a 500, a 429, or a 404/409 on a cancel (only orders
 * seen APPROVED are cancelled, each once).
 */
const isExpectedKind = (kind: string): boolean =>
  /^(checkout 200|checkout 202|cancel 200|cancel 202|deposit 201)$/.test(kind) ||
  /^(checkout|cancel|deposit) (502|503|504)\b/.test(kind) ||
  / (connection|timeout)\b/.test(kind);

export const describeLoadUnderDisruption = (options: LoadUnderDisruptionOptions): void => {
  describe(options.title, () => {
    const { running, current, api } = useSystemPerSuite({ ...options.system, failureLogLines: 200 });
    let admin: string;
    let menu: MenuItem[];
    const sessions: Session[] = [];
    const accepted = new Map<string, AcceptedSaga>();
    const outcomes = new Map<string, number>();
    const disruptions: DisruptionRecord[] = [];
    let restartsAtStart: Record<string, number> = {};
    let stopping = false;
    let load: Promise<void> | undefined;
    let lastRestartAt = 0;
    const terminal = new Map<string, Saga>();

    /** The first few requests of every unexpected kind, to find them in the logs. */
    const examples = new Map<
      string,
      { at: string; phase: string; method: string; path: string; requestId: string | null; body: string; logged: string[] }[]
    >();
    /** What the disruption is doing right now, e.g. `kill -9 orchestrator: orchestrator killed, waiting for its restart`. */
    let phase = 'load before the first disruption';
    const count = (kind: string, response?: ApiResponse): void => {
      outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
      if (response === undefined || isExpectedKind(kind)) return;
      const seen = examples.get(kind) ?? [];
      if (seen.length >= 3) return;
      const example = {
        at: new Date().toISOString(),
        phase,
        method: response.method,
        path: response.path,
        requestId: response.headers.get('x-request-id'),
        body: response.text.slice(0, 300),
        logged: [] as string[],
      };
      seen.push(example);
      examples.set(kind, seen);
      // The services log asynchronously: look for the request's lines a moment later, before they scroll out of the buffer.
      const requestId = example.requestId;
      // Also keep the services' error-level lines of that moment: the request id may not reach the service's log.
      setTimeout(() => {
        const recent = (current()?.logs() ?? []).slice(-4_000);
        const mine = requestId === null ? [] : recent.filter((line) => line.includes(requestId));
        const errors = recent.filter((line) => /"level":(50|60)/.test(line) && !line.startsWith('postgres')).slice(-8);
        example.logged.push(...mine.slice(0, 12), ...errors.map((line) => `(error logged around then) ${line.slice(0, 1_500)}`));
      }, 1_000);
    };

    beforeAll(async () => {
      admin = await adminToken(api);
      const menuResponse = await api.menu();
      expectStatus(menuResponse, 200);
      menu = menuResponse.body.items;
      for (let i = 0; i < CUSTOMERS; i += 1) {
        const session = await api.signUp(aCustomer());
        expectStatus(await api.deposit(session.token, INITIAL_DEPOSIT, anIdempotencyKey()), 201);
        sessions.push({ ...session, approvedOrderIds: [] });
      }
    });
    afterAll(async () => {
      stopping = true;
      await load?.catch(() => undefined);
    });
    const logs = (): string => running().tail(120);

    const randomLines = (): { lines: CheckoutLine[]; unknownItem: boolean } => {
      const lineCount = 1 + Math.floor(Math.random() * 3);
      const lines = Array.from({ length: lineCount }, (_, i) => ({
        menuItemId: (menu[(Math.floor(Math.random() * menu.length) + i) % menu.length] as MenuItem).id,
        quantity: 1 + Math.floor(Math.random() * 2),
      }));
      // About one checkout in fifty names an item that does not exist: it must end ABORTED UNKNOWN_MENU_ITEM.
      const unknownItem = Math.random() < 0.02;
      if (unknownItem) lines.push({ menuItemId: randomUUID(), quantity: 1 });
      return { lines, unknownItem };
    };

    const record = (session: Session, response: ApiResponse<Saga>, unknownItem: boolean): void => {
      const saga = response.body;
      if (!accepted.has(saga.sagaId))
        accepted.set(saga.sagaId, { sagaId: saga.sagaId, token: session.token, type: saga.type, orderId: saga.orderId, unknownItem });
      if (saga.type === 'checkout' && saga.status === 'COMPLETED' && !session.approvedOrderIds.includes(saga.orderId))
        session.approvedOrderIds.push(saga.orderId);
    };

    /**
     * A checkout as a careful client sends it: with an Idempotency-Key, resent with the same key after an outage-like
     * failure (up to 3 times), so a request that reached the orchestrator before a crash is not started twice.
     */
    const checkout = async (session: Session): Promise<void> => {
      const { lines, unknownItem } = randomLines();
      const key = anIdempotencyKey();
      // One checkout in four is fire-and-forget; the others wait for the outcome.
      const wait = Math.random() < 0.25 ? 0 : WAIT_SECONDS;
      for (let attempt = 0; attempt < 3 && !stopping; attempt += 1) {
        try {
          const response = await api.checkoutItems(session.token, lines, { idempotencyKey: key, timeoutMs: REQUEST_TIMEOUT_MS, wait });
          count(kindOfResponse('checkout', response), response);
          if (response.status === 200 || response.status === 202) return record(session, response, unknownItem);
          if (![502, 503, 504].includes(response.status)) return;
        } catch (error) {
          count(kindOfError('checkout', error));
        }
        await sleep(200 + Math.random() * 800);
      }
    };

    const cancel = async (session: Session): Promise<void> => {
      const [orderId] = session.approvedOrderIds.splice(Math.floor(Math.random() * session.approvedOrderIds.length), 1);
      if (orderId === undefined) return;
      try {
        const response = await api.cancelOrder(session.token, orderId, { timeoutMs: REQUEST_TIMEOUT_MS, wait: WAIT_SECONDS });
        count(kindOfResponse('cancel', response), response);
        if (response.status === 200 || response.status === 202) record(session, response, false);
      } catch (error) {
        count(kindOfError('cancel', error));
      }
    };

    const deposit = async (session: Session): Promise<void> => {
      try {
        const response = await api.deposit(session.token, TOP_UP, anIdempotencyKey());
        count(kindOfResponse('deposit', response), response);
      } catch (error) {
        count(kindOfError('deposit', error));
      }
    };

    const worker = async (index: number): Promise<void> => {
      const session = sessions[index % sessions.length] as Session;
      while (!stopping) {
        const roll = Math.random();
        if (roll < 0.08) await cancel(session);
        else if (roll < 0.12) await deposit(session);
        else await checkout(session);
        await sleep(30 + Math.random() * 70);
      }
    };

    const acceptedCount = (): number => accepted.size;

    const summary = (): string => {
      const sagas = [...terminal.values()];
      const byOutcome: Record<string, number> = {};
      for (const saga of sagas) {
        const key = `${saga.type} ${saga.status}${saga.reason === undefined ? '' : ` ${saga.reason}`}`;
        byOutcome[key] = (byOutcome[key] ?? 0) + 1;
      }
      const requests = Object.fromEntries([...outcomes.entries()].sort(([a], [b]) => a.localeCompare(b)));
      return JSON.stringify(
        {
          accepted: accepted.size,
          acceptedCheckouts: [...accepted.values()].filter((saga) => saga.type === 'checkout').length,
          acceptedCancels: [...accepted.values()].filter((saga) => saga.type === 'cancel-order').length,
          terminal: terminal.size,
          completed: sagas.filter((saga) => saga.status === 'COMPLETED').length,
          aborted: sagas.filter((saga) => saga.status === 'ABORTED').length,
          byOutcome,
          requests,
          unexpected: Object.fromEntries([...outcomes.entries()].filter(([kind]) => !isExpectedKind(kind))),
          disruptions,
        },
        null,
        2,
      );
    };

    it(
      options.scenario,
      async () => {
        const sys = running();
        restartsAtStart = restartsOf(sys);
        load = Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i))).then(() => undefined);
        const planned = options.disruptions(sys);
        for (const disruption of planned) {
          const target = acceptedCount() + ACCEPTED_BETWEEN_KILLS;
          await eventually(async () => (acceptedCount() >= target ? true : undefined), {
            what: `${ACCEPTED_BETWEEN_KILLS} more accepted checkouts before "${disruption.name}" (accepted so far: ${acceptedCount()}; done: ${JSON.stringify(disruptions.map((done) => done.name))})`,
            timeoutMs: 90_000,
            context: () => `${summary()}\n${logs()}`,
          });
          const acceptedBefore = acceptedCount();
          const startedAt = new Date().toISOString();
          phase = `${disruption.name} at ${startedAt}`;
          const observed = await disruption.disrupt(sys, (now) => (phase = `${disruption.name}: ${now}`));
          phase = `load after "${disruption.name}", everything ready again`;
          lastRestartAt = Date.now();
          disruptions.push({ name: disruption.name, startedAt, readyAt: new Date(lastRestartAt).toISOString(), acceptedBefore, observed });
          console.log(`load: "${disruption.name}" done ${JSON.stringify(observed)}; ${acceptedCount()} sagas accepted so far`);
        }
        stopping = true;
        await load;
        console.log(`load: stopped\n${summary()}`);
        expect(disruptions.map((done) => done.name)).toEqual(planned.map((disruption) => disruption.name));
        expect(acceptedCount()).toBeGreaterThanOrEqual(planned.length * ACCEPTED_BETWEEN_KILLS);
        if (options.noProcessMayRestart) expect(restartsOf(sys), `no process crashed\n${summary()}\n${logs()}`).toEqual(restartsAtStart);
      },
      DISRUPTION_TIMEOUT_MS,
    );

    it(`then within ${SETTLE_MS / 1000} s of the last recovery every accepted saga is COMPLETED or ABORTED`, async () => {
      expect(lastRestartAt, 'the kill phase finished').toBeGreaterThan(0);
      const tracked = [...accepted.values()];
      try {
        await waitForTerminalSagas(api, tracked, {
          timeoutMs: Math.max(lastRestartAt + SETTLE_MS - Date.now(), 5_000),
          perTokenBatch: 20,
          results: terminal,
          context: () => `${summary()}\n${logs()}`,
        });
      } catch (error) {
        // Say whether they were only slow or are stuck for good, then fail with the original message.
        const late = await waitForTerminalSagas(api, tracked, { timeoutMs: 120_000, perTokenBatch: 20, results: terminal }).then(
          (sagas) =>
            `all ${sagas.size} became terminal later, ${Math.round((Date.now() - lastRestartAt) / 1000)} s after the last recovery`,
          (lateError: unknown) =>
            `still not all terminal ${Math.round((Date.now() - lastRestartAt) / 1000)} s after the last recovery: ${lateError instanceof Error ? lateError.message.slice(0, 3_000) : String(lateError)}`,
        );
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n(afterwards: ${late})`);
      } finally {
        console.log(`load: ${terminal.size} of ${tracked.length} accepted sagas terminal\n${summary()}`);
      }
      expect(terminal.size).toBe(tracked.length);
    }, 300_000);

    it('then no order is PENDING or CANCEL_PENDING, and every saga agrees with its order', async () => {
      await waitForQuietSagas(api, admin, { timeoutMs: 60_000, context: () => `${summary()}\n${logs()}` });
      const pending = await api.allOrders(admin, { status: 'PENDING' });
      expect(
        pending.map((order) => [order.id, order.createdAt]),
        `orders left PENDING\n${summary()}`,
      ).toEqual([]);
      const cancelPending = await api.allOrders(admin, { status: 'CANCEL_PENDING' });
      expect(
        cancelPending.map((order) => [order.id, order.updatedAt]),
        `orders left CANCEL_PENDING\n${summary()}`,
      ).toEqual([]);

      const orders = new Map<string, Order>((await api.allOrders(admin)).map((order) => [order.id, order]));
      const problems: string[] = [];
      for (const saga of terminal.values()) {
        const order = orders.get(saga.orderId);
        const tracked = accepted.get(saga.sagaId);
        const what = `${saga.type} saga ${saga.sagaId} ${saga.status}${saga.reason ? ` ${saga.reason}` : ''}, order ${saga.orderId} ${order ? `${order.status}${order.reason ? ` ${order.reason}` : ''}` : 'absent'}`;
        if (saga.type === 'checkout') {
          if (saga.status === 'COMPLETED' && !(order && ['APPROVED', 'CANCELLED'].includes(order.status)))
            problems.push(`${what}: a COMPLETED checkout needs an APPROVED (or since CANCELLED) order`);
          if (saga.status === 'ABORTED' && order && !(order.status === 'REJECTED' && order.reason === saga.reason))
            problems.push(`${what}: an ABORTED checkout leaves no order or a REJECTED one with the saga's reason`);
          if (tracked?.unknownItem && !(saga.status === 'ABORTED' && saga.reason === 'UNKNOWN_MENU_ITEM' && !order))
            problems.push(`${what}: a checkout of an unknown item ends ABORTED UNKNOWN_MENU_ITEM with no order`);
        } else {
          if (saga.status === 'COMPLETED' && order?.status !== 'CANCELLED')
            problems.push(`${what}: a COMPLETED cancel-order leaves the order CANCELLED`);
          if (saga.status === 'ABORTED' && !(order && ['APPROVED', 'CANCELLED'].includes(order.status)))
            problems.push(`${what}: an ABORTED cancel-order leaves the order as it was`);
        }
      }
      expect(problems, summary()).toEqual([]);
    }, 180_000);

    it('then the money invariants hold for every customer', async () => {
      const money = await expectMoneyInvariants(api, sessions, { adminToken: admin, context: () => `${summary()}\n${logs()}` });
      console.log(
        `load: money per customer ${JSON.stringify(money.map(({ customerId, balance, deposits, debits, refunds, orders }) => ({ customerId, balance, deposits, debits, refunds, orders: orders.length })))}`,
      );
    }, 180_000);

    it('then a new checkout completes', async () => {
      const session = sessions[0] as Session;
      expectStatus(await api.deposit(session.token, TOP_UP, anIdempotencyKey()), 201);
      const cheapest = [...menu].sort((a, b) => a.price - b.price)[0] as MenuItem;
      const response = await api.checkoutItems(session.token, [{ menuItemId: cheapest.id, quantity: 1 }], { wait: 30 });
      expect((await terminalSagaOf(api, session.token, response, { context: logs })).status).toBe('COMPLETED');
    });

    it('then every request failed only in the ways an outage explains (502/503/504, a refused or reset connection, a timeout)', () => {
      const unexpected = [...outcomes.entries()].filter(([kind]) => !isExpectedKind(kind));
      const evidence = [...examples.entries()].flatMap(([kind, seen]) =>
        seen.map(
          (example) =>
            `${kind} at ${example.at} (${example.phase}): ${example.method} ${example.path} x-request-id ${example.requestId} -> ${example.body}\n  ${example.logged.join('\n  ') || '(no log line names this request id)'}`,
        ),
      );
      expect(unexpected, `${summary()}\n--- examples ---\n${evidence.join('\n')}`).toEqual([]);
    });
  });
};
