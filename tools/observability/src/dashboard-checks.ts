import { metricNamesIn } from './promql-metric-names.js';

interface DatasourceRef {
  type?: string;
  uid?: string;
}

interface Target {
  refId?: string;
  expr?: string;
  datasource?: DatasourceRef;
}

export interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: DatasourceRef;
  targets?: Target[];
  /** A collapsed row keeps its panels inside it. */
  panels?: Panel[];
}

interface Variable {
  name: string;
  type: string;
  datasource?: DatasourceRef;
  query?: string | { query?: string };
}

export interface Dashboard {
  uid?: string;
  title?: string;
  panels?: Panel[];
  templating?: { list?: Variable[] };
}

/** One PromQL expression of a dashboard and where it is. */
export interface DashboardExpression {
  where: string;
  expr: string;
}

/** Every panel, those inside rows included. */
export const panelsOf = (dashboard: Dashboard): Panel[] => (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);

const variableQuery = (variable: Variable): string => (typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? ''));

/**
 * The PromQL inside a variable's query: `label_values(expr, label)` and `query_result(expr)` wrap one;
 * `label_values(label)` and `metrics(regex)` have none.
 */
const promqlOfVariableQuery = (query: string): string | undefined => {
  const labelValues = /^\s*label_values\(\s*(.+),\s*[A-Za-z_]\w*\s*\)\s*$/s.exec(query);
  if (labelValues) return labelValues[1];
  const queryResult = /^\s*query_result\((.+)\)\s*$/s.exec(query);
  return queryResult?.[1];
};

/** Every PromQL expression a dashboard evaluates: panel targets and query variables. */
export const dashboardExpressions = (dashboard: Dashboard): DashboardExpression[] => [
  ...panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).flatMap((target) =>
      target.expr ? [{ where: `panel ${panel.id} "${panel.title}" target ${target.refId}`, expr: target.expr }] : [],
    ),
  ),
  ...(dashboard.templating?.list ?? []).flatMap((variable) => {
    const expr = variable.type === 'query' ? promqlOfVariableQuery(variableQuery(variable)) : undefined;
    return expr ? [{ where: `variable ${variable.name}`, expr }] : [];
  }),
];

export interface DashboardRules {
  /** The uids of the provisioned data sources. */
  datasourceUids: string[];
  /** Whether the services (or a recording rule) expose a series of this name. */
  isExposed: (name: string) => boolean;
}

const datasourceProblem = (where: string, datasource: DatasourceRef | undefined, uids: string[]): string[] =>
  datasource?.uid === undefined || uids.includes(datasource.uid)
    ? []
    : [`${where}: data source uid '${datasource.uid}' is not provisioned`];

const panelProblems = (panel: Panel, rules: DashboardRules): string[] => {
  const where = `panel ${panel.id} "${panel.title}"`;
  if (panel.type === 'row') return [];
  const targets = panel.targets ?? [];
  return [
    ...(panel.datasource === undefined ? [`${where}: no data source`] : datasourceProblem(where, panel.datasource, rules.datasourceUids)),
    ...(targets.length === 0 ? [`${where}: no targets`] : []),
    ...targets.flatMap((target) => [
      ...(target.expr?.trim() ? [] : [`${where} target ${target.refId}: no expr`]),
      ...datasourceProblem(`${where} target ${target.refId}`, target.datasource, rules.datasourceUids),
    ]),
  ];
};

/**
 * What would make a dashboard show nothing or the wrong thing: panels without ids (or sharing one), a data
 * source that is not provisioned, a target with no expression, and a metric name the services do not expose.
 */
export const findDashboardProblems = (dashboard: Dashboard, rules: DashboardRules): string[] => {
  const panels = panelsOf(dashboard);
  const ids = panels.map((panel) => panel.id);
  const duplicates = [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
  return [
    ...(dashboard.uid ? [] : ['no uid']),
    ...panels.filter((panel) => typeof panel.id !== 'number').map((panel) => `panel "${panel.title}": no id`),
    ...duplicates.map((id) => `panel id ${id} is used more than once`),
    ...panels.flatMap((panel) => panelProblems(panel, rules)),
    ...(dashboard.templating?.list ?? []).flatMap((variable) =>
      datasourceProblem(`variable ${variable.name}`, variable.datasource, rules.datasourceUids),
    ),
    ...dashboardExpressions(dashboard).flatMap(({ where, expr }) =>
      metricNamesIn(expr)
        .filter((name) => !rules.isExposed(name))
        .map((name) => `${where}: metric '${name}' is not exposed by any service or recording rule`),
    ),
  ];
};
