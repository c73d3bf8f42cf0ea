import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricNamesIn } from '../../tools/observability/src/promql-metric-names.js';
import type { MenuItem, Saga } from './support/api-client.js';
import { aCustomer, anIdempotencyKey } from './support/builders.js';
import { expectStatus } from './support/expectations.js';
import { isCi, testRedisUrl } from './support/infrastructure.js';
import {
  dashboardFiles,
  dashboardsWithoutPanelExpressions,
  operatorDashboardExpressions,
  recordedNames,
  ruleExpressions,
  ruleFiles,
  type OperatorExpression,
} from './support/operator-expressions.js';
import { exposedMetricNames, PrometheusApi, type Sample } from './support/prometheus-api.js';
import { terminalSagaOf, type CustomerSession } from './support/sagas.js';
import { useSystemPerSuite } from './support/system-per-suite.js';
import { eventually } from './support/wait.js';

/**
 * `npm start -- --observe`: a real Prometheus (Debian's package) scraping the running system, read back through its
 * HTTP API as an operator's dashboards and alerts would: targets, saga counters, the SLO series of the rule files, and
 * every expression of the rules and dashboards in deploy/observability.
 */

const PROMETHEUS_BINARY = '/usr/bin/prometheus';
const prometheusInstalled = existsSync(PROMETHEUS_BINARY);
/** Written by the rule generator (deploy/observability/prometheus/rules); a branch without them has no SLO series. */
const haveRuleFiles = ruleFiles().length > 0;
const haveOperatorExpressions = haveRuleFiles || dashboardFiles().length > 0;

const COMPLETED_CHECKOUTS = 3;
const ABORTED_CHECKOUTS = 2;

/** Series Prometheus makes itself, or that only a mode this run may not be in exposes. */
const PROMETHEUS_SERIES = ['up', 'ALERTS', 'ALERTS_FOR_STATE'];

const valuesByLabels = (samples: readonly Sample[], labels: readonly string[]): Record<string, number> =>
  Object.fromEntries(samples.map((sample) => [labels.map((label) => sample.metric[label] ?? '').join('|'), Number(sample.value[1])]));

describe.skipIf(!prometheusInstalled && !isCi())(
  `Prometheus against a running system, started with --observe (skipped outside CI when ${PROMETHEUS_BINARY} is missing: apt-get install prometheus)`,
  () => {
    const { running, current, api } = useSystemPerSuite({ args: ['--observe'], env: { PROMETHEUS_INTERVAL_SECONDS: '1' } });
    let prometheus: PrometheusApi;
    const sagas: Saga[] = [];

    beforeAll(async () => {
      const url = running().prometheusUrl();
      if (url === undefined)
        throw new Error(
          `the launcher started no Prometheus (is ${PROMETHEUS_BINARY} installed? apt-get install prometheus)\n${running().tail(40)}`,
        );
      prometheus = new PrometheusApi(url);

      const menu = await api.menu();
      expectStatus(menu, 200);
      const cheapest = [...menu.body.items].sort((a, b) => a.price - b.price)[0] as MenuItem;
      const signUp = async (deposit: number): Promise<CustomerSession> => {
        const session = await api.signUp(aCustomer());
        expectStatus(await api.deposit(session.token, deposit, anIdempotencyKey()), 201);
        return session;
      };
      const payer = await signUp(cheapest.price * COMPLETED_CHECKOUTS);
      // One less than the cheapest item: every checkout of theirs is refused for funds, a business abort.
      const broke = await signUp(cheapest.price - 1);
      const checkout = async (session: CustomerSession): Promise<Saga> =>
        terminalSagaOf(
          api,
          session.token,
          await api.checkoutItems(session.token, [{ menuItemId: cheapest.id, quantity: 1 }], { wait: 30 }),
          {
            context: () => current()?.tail(40) ?? '',
          },
        );
      for (let i = 0; i < COMPLETED_CHECKOUTS; i += 1) sagas.push(await checkout(payer));
      for (let i = 0; i < ABORTED_CHECKOUTS; i += 1) sagas.push(await checkout(broke));
    });
    const logs = (): string => running().tail(40);

    it('when the checkouts ran, then the ones with money completed and the others aborted for funds', () => {
      expect(
        sagas.map((saga) => `${saga.status}|${saga.reason ?? 'NONE'}`),
        JSON.stringify(sagas),
      ).toEqual([
        ...Array<string>(COMPLETED_CHECKOUTS).fill('COMPLETED|NONE'),
        ...Array<string>(ABORTED_CHECKOUTS).fill('ABORTED|INSUFFICIENT_FUNDS'),
      ]);
    });

    it('when the system runs, then every service and every replica is a target that is up, labelled with its service and replica', async () => {
      // Every HTTP process of the state file, `order#1` being replica 1 of order; the gateway is scraped on its metrics listener.
      const expected = running()
        .state()
        .processes.filter((entry) => entry.url !== null && entry.name !== 'prometheus')
        .map((entry) => {
          const [service = '', replica = '0'] = entry.name.split('#');
          return `${service}|${replica}|up`;
        })
        .sort();
      expect(expected).toHaveLength(4 * running().replicas + 1);

      let seen: string[] = [];
      await eventually(
        async () => {
          const targets = await prometheus.activeTargets();
          seen = targets
            .map(
              (target) =>
                `${target.labels['service']}|${target.labels['replica']}|${target.health}${target.lastError ? ` (${target.lastError})` : ''}`,
            )
            .sort();
          return JSON.stringify(seen) === JSON.stringify(expected) ? true : undefined;
        },
        {
          what: 'every target to be up',
          timeoutMs: 90_000,
          context: () => `expected ${JSON.stringify(expected)}, saw ${JSON.stringify(seen)}\n${logs()}`,
        },
      );
      const job = await prometheus.vector('count by (job) (up)');
      expect(Object.keys(valuesByLabels(job, ['job'])).sort()).toEqual(['account', 'customer', 'gateway', 'orchestrator', 'order']);
    });

    it('when checkouts completed and aborted, then saga_finished_total summed by status and reason says how many of each', async () => {
      const query = 'sum by (status, reason) (saga_finished_total{type="checkout"})';
      const expected = { 'COMPLETED|NONE': COMPLETED_CHECKOUTS, 'ABORTED|INSUFFICIENT_FUNDS': ABORTED_CHECKOUTS };
      let last: Record<string, number> = {};
      await eventually(
        async () => {
          // Label sets initialised to 0 at start (contract.md) say nothing ran of them: only the others must match.
          last = valuesByLabels(await prometheus.vector(`${query} > 0`), ['status', 'reason']);
          return JSON.stringify(Object.entries(last).sort()) === JSON.stringify(Object.entries(expected).sort()) ? true : undefined;
        },
        {
          what: `${query} to equal ${JSON.stringify(expected)}`,
          timeoutMs: 90_000,
          context: () => `last answer ${JSON.stringify(last)}\n${logs()}`,
        },
      );
    });

    it.skipIf(!haveRuleFiles && !isCi())(
      'when only business aborts happened, then the checkout-success error ratio is 0, its burn rate 0, and every SLO has its series (skipped outside CI without rule files)',
      async () => {
        const ratio = 'slo:sli_error:ratio_rate5m';
        const value = async (expr: string): Promise<number | undefined> => {
          const samples = await prometheus.vector(expr);
          return samples.length === 1 ? Number(samples[0]?.value[1]) : undefined;
        };
        let last = '';
        await eventually(
          async () => {
            const checkout = await value(`${ratio}{slo="checkout-success"}`);
            const burn = await value('slo:error_budget_burn:rate1h{slo="checkout-success"}');
            last = `error ratio ${checkout}, burn ${burn}`;
            return checkout === 0 && burn === 0 ? true : undefined;
          },
          {
            what: `${ratio}{slo="checkout-success"} and its 1 h burn rate to be 0`,
            timeoutMs: 90_000,
            context: () => `${last}\n${logs()}`,
          },
        );
        const objective = await value('slo:objective:ratio{slo="checkout-success"}');
        expect(objective, 'slo:objective:ratio{slo="checkout-success"}').toBeGreaterThan(0.9);
        expect(objective, 'slo:objective:ratio{slo="checkout-success"}').toBeLessThan(1);
        // Their values depend on this machine's speed; that they exist does not.
        const slos = await eventually(
          async () => {
            const names = Object.keys(valuesByLabels(await prometheus.vector(ratio), ['slo'])).sort();
            return names.length >= 3 ? names : undefined;
          },
          { what: `${ratio} for every SLO`, timeoutMs: 90_000, context: logs },
        );
        expect(slos).toEqual(['checkout-latency', 'checkout-success', 'saga-deadline']);
      },
    );

    it.skipIf(!haveOperatorExpressions && !isCi())(
      'when every rule and dashboard expression is evaluated, then each succeeds and reads only series the services expose or the rules record (skipped outside CI without them)',
      async () => {
        const expressions: OperatorExpression[] = [...ruleExpressions(), ...operatorDashboardExpressions()];
        expect(expressions.length, 'rule and dashboard expressions in deploy/observability').toBeGreaterThan(0);
        expect(dashboardsWithoutPanelExpressions(), 'dashboards in which no panel target has an expr').toEqual([]);

        const failures: string[] = [];
        for (const { where, expr } of expressions) {
          const answer = await prometheus.query(expr);
          if (answer.status !== 'success') failures.push(`${where}: ${answer.errorType ?? ''} ${answer.error ?? ''}\n    ${expr}`);
        }
        expect.soft(failures, `expressions Prometheus refused:\n${failures.join('\n')}`).toEqual([]);

        const targets = await prometheus.activeTargets();
        const pages = await Promise.all(
          targets.map(async (target) => (await fetch(target.scrapeUrl, { signal: AbortSignal.timeout(10_000) })).text()),
        );
        // Exposed only where this run uses that infrastructure: accepted as names when it does not, required when it does.
        const transportSpecific = [
          ...(running().brokerUrl === undefined ? ['broker_connected'] : []),
          ...(testRedisUrl() === undefined ? ['rate_limit_store_connected'] : []),
        ];
        const known = new Set([...pages.flatMap(exposedMetricNames), ...recordedNames(), ...PROMETHEUS_SERIES, ...transportSpecific]);
        const unknown = expressions.flatMap(({ where, expr }) =>
          metricNamesIn(expr)
            .filter((name) => !known.has(name))
            .map((name) => `${where}: ${name}`),
        );
        expect(unknown, 'metric names that no target exposes and no rule records').toEqual([]);
      },
    );
  },
);

describe('--observe without Prometheus installed', () => {
  const MISSING = '/nonexistent/prometheus';
  const { running } = useSystemPerSuite({ args: ['--observe'], env: { PROMETHEUS_BIN: MISSING } });

  it('when the binary is missing, then the system still starts, one line says how to install Prometheus, and the state file names none', async () => {
    const launcherLines = running()
      .logLines()
      .filter((line) => line.process === 'launcher' && line.text.includes('apt-get install prometheus'));

    expect(launcherLines.map((line) => line.text)).toEqual([
      `--observe: Prometheus is not installed (PROMETHEUS_BIN=${MISSING} is not an executable); install it with \`apt-get install prometheus\`; going on without it`,
    ]);
    expect(running().logs()).toContain('  prometheus     not running: install it with `apt-get install prometheus`');
    expect(running().prometheusUrl()).toBeUndefined();
    expect(
      running()
        .state()
        .processes.map((entry) => entry.name),
    ).not.toContain('prometheus');
    const response = await fetch(`${running().gatewayUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(200);
  });
});
