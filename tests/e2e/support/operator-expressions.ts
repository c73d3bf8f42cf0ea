import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * Every PromQL expression an operator will run: the `expr` of each rule in deploy/observability/prometheus/rules/*.yml
 * and of each panel target in deploy/observability/grafana/dashboards/*.json, the dashboards' Grafana variables
 * replaced so that Prometheus can evaluate them as they are.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const RULES_DIR = path.join(REPO_ROOT, 'deploy/observability/prometheus/rules');
export const DASHBOARDS_DIR = path.join(REPO_ROOT, 'deploy/observability/grafana/dashboards');

export interface OperatorExpression {
  /** `rules/slo.yml: record slo:…` or `dashboards/saga.json: panel "Sagas"`. */
  readonly where: string;
  /** Ready to send to Prometheus. */
  readonly expr: string;
}

const filesIn = (dir: string, extension: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith(extension))
        .sort()
        .map((name) => path.join(dir, name))
    : [];

interface RuleFile {
  readonly groups?: ReadonlyArray<{ readonly name?: string; readonly rules?: ReadonlyArray<{ readonly record?: string; readonly alert?: string; readonly expr?: unknown }> }>;
}

const rulesOf = (file: string): NonNullable<NonNullable<RuleFile['groups']>[number]['rules']> =>
  ((parse(readFileSync(file, 'utf8')) ?? {}) as RuleFile).groups?.flatMap((group) => group.rules ?? []) ?? [];

export const ruleFiles = (): string[] => filesIn(RULES_DIR, '.yml');
export const dashboardFiles = (): string[] => filesIn(DASHBOARDS_DIR, '.json');

export const ruleExpressions = (): OperatorExpression[] =>
  ruleFiles().flatMap((file) =>
    rulesOf(file).map((rule) => ({ where: `rules/${path.basename(file)}: ${rule.record ? `record ${rule.record}` : `alert ${rule.alert ?? '?'}`}`, expr: String(rule.expr ?? '') })),
  );

/** The series the rule files record: dashboards and alerts may read them like any metric. */
export const recordedNames = (): string[] => ruleFiles().flatMap((file) => rulesOf(file).flatMap((rule) => (rule.record ? [rule.record] : [])));

interface Panel {
  readonly title?: string;
  readonly targets?: ReadonlyArray<{ readonly expr?: unknown }>;
  readonly panels?: readonly Panel[];
}

interface TemplateVariable {
  readonly name?: string;
  readonly type?: string;
  readonly current?: { readonly value?: unknown };
  readonly query?: unknown;
  readonly options?: ReadonlyArray<{ readonly value?: unknown }>;
}

interface Dashboard {
  readonly panels?: readonly Panel[];
  readonly templating?: { readonly list?: readonly TemplateVariable[] };
}

/** Grafana's built-in variables, at values a 1 s scrape interval can answer. */
const BUILT_IN: Readonly<Record<string, string>> = { __rate_interval: '1m', __interval: '15s', __range: '1h', __range_s: '3600', __interval_ms: '15000' };

/**
 * A dashboard's own variable: the value of an interval, custom or constant variable (it may stand where a number or a
 * duration must), and `.*` for the others (label values, used in `=~` matchers).
 */
const valueOf = (variable: TemplateVariable): string => {
  const first = (value: unknown): string | undefined => (Array.isArray(value) ? first(value[0]) : typeof value === 'string' && value !== '' && value !== '$__all' ? value : undefined);
  if (variable.type === 'interval' || variable.type === 'custom' || variable.type === 'constant') {
    const fromQuery = typeof variable.query === 'string' ? variable.query.split(',')[0]?.trim() : undefined;
    return first(variable.current?.value) ?? first(variable.options?.[0]?.value) ?? fromQuery ?? '.*';
  }
  return '.*';
};

export const substituteVariables = (expr: string, variables: Readonly<Record<string, string>>): string =>
  expr.replace(/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g, (whole, braced?: string, plain?: string, bracketed?: string) => {
    const name = braced ?? plain ?? bracketed ?? '';
    return BUILT_IN[name] ?? variables[name] ?? whole;
  });

const panelsOf = (panels: readonly Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...panelsOf(panel.panels ?? [])]);

/** One dashboard's expressions; none means its panels were not found where Grafana's provisioning format has them. */
export const expressionsOfDashboard = (file: string): OperatorExpression[] => {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
  const variables = Object.fromEntries((dashboard.templating?.list ?? []).map((variable) => [variable.name ?? '', valueOf(variable)]));
  return panelsOf(dashboard.panels ?? []).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((target) => typeof target.expr === 'string' && target.expr.trim() !== '')
      .map((target) => ({ where: `dashboards/${path.basename(file)}: panel ${JSON.stringify(panel.title ?? '')}`, expr: substituteVariables(String(target.expr), variables) })),
  );
};

export const dashboardExpressions = (): OperatorExpression[] => dashboardFiles().flatMap(expressionsOfDashboard);
