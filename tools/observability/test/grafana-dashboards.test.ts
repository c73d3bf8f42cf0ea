import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dashboardExpressions, findDashboardProblems, type Dashboard, type DashboardRules } from '../src/dashboard-checks.js';
import { OBSERVABILITY_DIR, REPO_ROOT } from '../src/index.js';
import { isExposed, knownSeriesNames, metricNamesInSources } from '../src/registered-metric-names.js';

const GRAFANA = path.join(OBSERVABILITY_DIR, 'grafana');
const DASHBOARD_FILES = readdirSync(path.join(GRAFANA, 'dashboards'))
  .filter((file) => file.endsWith('.json'))
  .sort();
const readDashboard = (file: string): Dashboard => JSON.parse(readFileSync(path.join(GRAFANA, 'dashboards', file), 'utf8')) as Dashboard;
const provisioned = parse(readFileSync(path.join(GRAFANA, 'provisioning/datasources.yaml'), 'utf8')) as {
  datasources: { uid: string; type: string; url: string }[];
};
const datasourceUids = provisioned.datasources.map((datasource) => datasource.uid);

let rules: DashboardRules;
beforeAll(async () => {
  const known = await knownSeriesNames(REPO_ROOT);
  rules = { datasourceUids, isExposed: (name) => isExposed(name, known) };
});

describe('the Grafana dashboards', () => {
  it('when the folder is listed, then the four dashboards of the issue are there, each with its own uid', () => {
    expect(DASHBOARD_FILES).toEqual(['messaging.json', 'saga-funnel.json', 'service-red.json', 'slo.json']);
    const uids = DASHBOARD_FILES.map((file) => readDashboard(file).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it.each(DASHBOARD_FILES)(
    'when %s is checked, then it has unique panel ids, provisioned data sources, an expr in every target and only exposed metrics',
    (file) => {
      const dashboard = readDashboard(file);
      expect(dashboardExpressions(dashboard).length).toBeGreaterThan(3);
      expect(findDashboardProblems(dashboard, rules)).toEqual([]);
    },
  );

  it('when the RED dashboard is read, then it is filtered by a service variable and shows rate, 5xx errors and p50/p95/p99 from the request histogram', () => {
    const dashboard = readDashboard('service-red.json');
    expect(dashboard.templating?.list?.map((variable) => variable.name)).toEqual(['service']);
    const expressions = dashboardExpressions(dashboard)
      .filter(({ where }) => where.startsWith('panel'))
      .map(({ expr }) => expr);
    const requestExpressions = expressions.filter((expr) => expr.includes('http_server_request_duration_seconds'));
    expect(requestExpressions.length).toBeGreaterThan(4);
    for (const expr of requestExpressions) expect(expr).toContain('service=~"$service"');
    expect(expressions.some((expr) => expr.includes('status=~"5.."'))).toBe(true);
    for (const quantile of ['0.5', '0.95', '0.99'])
      expect(expressions).toContainEqual(
        expect.stringContaining(`histogram_quantile(${quantile}, sum by (le, service) (rate(http_server_request_duration_seconds_bucket`),
      );
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds'])
      expect(expressions.join('\n')).toContain(name);
  });

  it('when the SLO dashboard is read, then it shows every window of the error ratio, the burn rate and the objective', () => {
    const expressions = dashboardExpressions(readDashboard('slo.json'))
      .map(({ expr }) => expr)
      .join('\n');
    for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) expect(expressions).toContain(`slo:sli_error:ratio_rate${window}`);
    expect(expressions).toContain('slo:error_budget_burn:rate1h');
    expect(expressions).toContain('slo:objective:ratio');
  });

  it('when a panel names a metric nobody exposes, uses an unknown data source or repeats an id, then each is a problem', () => {
    const dashboard = readDashboard('service-red.json');
    const [, first, second] = dashboard.panels!;
    expect(findDashboardProblems(dashboard, rules)).toEqual([]);
    first!.targets![0]!.expr = 'sum(rate(messages_consumed_totl[5m]))';
    second!.id = first!.id;
    second!.datasource = { type: 'prometheus', uid: 'thanos' };
    delete second!.targets![0]!.expr;
    expect(findDashboardProblems(dashboard, rules)).toEqual([
      `panel id ${first!.id} is used more than once`,
      `panel ${first!.id} "${second!.title}": data source uid 'thanos' is not provisioned`,
      `panel ${first!.id} "${second!.title}" target A: no expr`,
      `panel ${first!.id} "${first!.title}" target A: metric 'messages_consumed_totl' is not exposed by any service or recording rule`,
    ]);
  });

  it("when the known names are collected, then they come from the services' registrations, the prom-client defaults and Prometheus itself", async () => {
    const known = await knownSeriesNames(REPO_ROOT);
    expect(metricNamesInSources(REPO_ROOT)).toEqual(
      expect.arrayContaining(['http_server_request_duration_seconds', 'saga_finished_total', 'outbox_pending', 'broker_connected']),
    );
    for (const name of ['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'up']) expect(known.has(name)).toBe(true);
    expect(isExposed('saga_duration_seconds_bucket', known)).toBe(true);
    expect(isExposed('saga_duration_seconds_total', known)).toBe(false);
    // Strings that are `name:` of something else (a saga step, a shutdown hook) are not taken for metrics.
    expect(known.has('createOrder')).toBe(false);
    expect(known.has('database')).toBe(false);
  });
});

describe('Grafana provisioning', () => {
  it('when the data sources are read, then Prometheus, Jaeger and the logs store are there with fixed uids', () => {
    expect(provisioned.datasources.map(({ uid, type }) => `${uid}:${type}`)).toEqual([
      'prometheus:prometheus',
      'jaeger:jaeger',
      'logs:elasticsearch',
    ]);
  });

  it('when the dashboard provider is read, then it loads the folder compose mounts the dashboards into', () => {
    const providers = (
      parse(readFileSync(path.join(GRAFANA, 'provisioning/dashboards.yaml'), 'utf8')) as {
        providers: { type: string; options: { path: string } }[];
      }
    ).providers;
    const compose = readFileSync(path.join(REPO_ROOT, 'deploy/compose/compose.yaml'), 'utf8');
    expect(providers).toHaveLength(1);
    expect(compose).toContain(`../observability/grafana/dashboards:${providers[0]!.options.path}:ro`);
  });

  it('when the Kubernetes component is read, then its ConfigMap carries every dashboard with the sidecar label', () => {
    const component = parse(readFileSync(path.join(GRAFANA, 'kustomization.yaml'), 'utf8')) as {
      kind: string;
      configMapGenerator: { files: string[]; options: { labels: Record<string, string> } }[];
    };
    expect(component.kind).toBe('Component');
    const [generator] = component.configMapGenerator;
    expect(generator!.options.labels['grafana_dashboard']).toBe('1');
    expect(generator!.files.map((file) => path.basename(file)).sort()).toEqual(DASHBOARD_FILES);
  });
});
