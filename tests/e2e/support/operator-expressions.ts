import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { dashboardExpressions, panelsOf, type Dashboard } from '../../../tools/observability/src/dashboard-checks.js';
import { OBSERVABILITY_DIR } from '../../../tools/observability/src/index.js';
import { recordingRuleNames } from '../../../tools/observability/src/registered-metric-names.js';
import { RULES_DIR } from '../../../tools/observability/src/rule-files.js';

/**
 * Every PromQL expression an operator will run: the `expr` of each rule in deploy/observability/prometheus/rules/*.yml
 * and of each panel target and query variable in deploy/observability/grafana/dashboards/*.json (as
 * tools/observability reads them), the dashboards' Grafana variables replaced so that Prometheus can evaluate them.
 */

const DASHBOARDS_DIR = path.join(OBSERVABILITY_DIR, 'grafana/dashboards');

export interface OperatorExpression {
  /** `rules/slo.yml: record slo:…` or `dashboards/saga.json: panel 3 "Sagas" target A`. */
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
  readonly groups?: ReadonlyArray<{
    readonly name?: string;
    readonly rules?: ReadonlyArray<{ readonly record?: string; readonly alert?: string; readonly expr?: unknown }>;
  }>;
}

const rulesOf = (file: string): NonNullable<NonNullable<RuleFile['groups']>[number]['rules']> =>
  ((parse(readFileSync(file, 'utf8')) ?? {}) as RuleFile).groups?.flatMap((group) => group.rules ?? []) ?? [];

export const ruleFiles = (): string[] => filesIn(RULES_DIR, '.yml');
export const dashboardFiles = (): string[] => filesIn(DASHBOARDS_DIR, '.json');

export const ruleExpressions = (): OperatorExpression[] =>
  ruleFiles().flatMap((file) =>
    rulesOf(file).map((rule) => ({
      where: `rules/${path.basename(file)}: ${rule.record ? `record ${rule.record}` : `alert ${rule.alert ?? '?'}`}`,
      expr: String(rule.expr ?? ''),
    })),
  );

/** The series the rule files record: dashboards and alerts may read them like any metric. */
export const recordedNames = (): string[] => recordingRuleNames(RULES_DIR);

interface TemplateVariable {
  readonly name?: string;
  readonly type?: string;
  readonly current?: { readonly value?: unknown };
  readonly query?: unknown;
  readonly options?: ReadonlyArray<{ readonly value?: unknown }>;
}

interface Templating {
  readonly templating?: { readonly list?: readonly TemplateVariable[] };
}

/** Grafana's built-in variables, at values a 1 s scrape interval can answer. */
const BUILT_IN: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
  __range_s: '3600',
  __interval_ms: '15000',
};

/**
 * A dashboard's own variable: the value of an interval, custom or constant variable (it may stand where a number or a
 * duration must), and `.*` for the others (label values, used in `=~` matchers).
 */
const valueOf = (variable: TemplateVariable): string => {
  const first = (value: unknown): string | undefined =>
    Array.isArray(value) ? first(value[0]) : typeof value === 'string' && value !== '' && value !== '$__all' ? value : undefined;
  if (variable.type === 'interval' || variable.type === 'custom' || variable.type === 'constant') {
    const fromQuery = typeof variable.query === 'string' ? variable.query.split(',')[0]?.trim() : undefined;
    return first(variable.current?.value) ?? first(variable.options?.[0]?.value) ?? fromQuery ?? '.*';
  }
  return '.*';
};

const substituteVariables = (expr: string, variables: Readonly<Record<string, string>>): string =>
  expr.replace(
    /\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g,
    (whole, braced?: string, plain?: string, bracketed?: string) => {
      const name = braced ?? plain ?? bracketed ?? '';
      return BUILT_IN[name] ?? variables[name] ?? whole;
    },
  );

const readDashboard = (file: string): Dashboard & Templating => JSON.parse(readFileSync(file, 'utf8')) as Dashboard & Templating;

/** One dashboard's expressions (panel targets, query variables), its Grafana variables replaced. */
const expressionsOfDashboard = (file: string): OperatorExpression[] => {
  const dashboard = readDashboard(file);
  const templating: Templating = dashboard;
  const variables = Object.fromEntries((templating.templating?.list ?? []).map((variable) => [variable.name ?? '', valueOf(variable)]));
  return dashboardExpressions(dashboard).map(({ where, expr }) => ({
    where: `dashboards/${path.basename(file)}: ${where}`,
    expr: substituteVariables(expr, variables),
  }));
};

export const operatorDashboardExpressions = (): OperatorExpression[] => dashboardFiles().flatMap(expressionsOfDashboard);

/** Dashboards in which no panel target has an expr: their panels are not where Grafana's provisioning format has them. */
export const dashboardsWithoutPanelExpressions = (): string[] =>
  dashboardFiles().filter(
    (file) =>
      !panelsOf(readDashboard(file)).some((panel) =>
        (panel.targets ?? []).some((target) => typeof target.expr === 'string' && target.expr.trim() !== ''),
      ),
  );
