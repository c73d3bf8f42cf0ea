import type { Slo } from './slo-definitions.js';
import { runbookUrl, type AlertingRule, type RecordingRule, type RuleGroup } from './rule-types.js';

/** Every window an SLI ratio is recorded over: the burn-rate alerts' long and short windows. */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
type SliWindow = (typeof SLI_WINDOWS)[number];

interface BurnWindow {
  factor: number;
  long: SliWindow;
  short: SliWindow;
}

/**
 * The SRE workbook's multi-window, multi-burn-rate alerts (chapter 5, for a 30-day budget): each fires while both
 * its long window (the budget really is being spent) and its short window (it still is, so the alert resets soon
 * after the problem stops) burn faster than factor x the budget.
 */
const BURN_ALERTS: { suffix: string; severity: 'page' | 'ticket'; windows: BurnWindow[] }[] = [
  {
    suffix: 'BudgetBurnFast',
    severity: 'page',
    windows: [
      { factor: 14.4, long: '1h', short: '5m' },
      { factor: 6, long: '6h', short: '30m' },
    ],
  },
  {
    suffix: 'BudgetBurnSlow',
    severity: 'ticket',
    windows: [
      { factor: 3, long: '1d', short: '2h' },
      { factor: 1, long: '3d', short: '6h' },
    ],
  },
];

// Rounded so 1 - 0.995 reads 0.005 in the rules, not 0.0050000000000000044.
const budgetOf = (slo: Slo): number => Number((1 - slo.objective).toFixed(10));
const percent = (ratio: number): string => `${Number((ratio * 100).toFixed(4))} %`;
const braces = (matchers: string[]): string => `{${matchers.filter(Boolean).join(',')}}`;
const sumRate = (selector: string, window: string): string => `sum(rate(${selector}[${window}]))`;
// prom-client writes le="30"; Prometheus 3 (the compose image) stores it as le="30.0", Prometheus 2 (Debian's, for
// npm start -- --observe) as written: a whole-number bound must match both.
const bucketMatcher = (bound: number): string => (Number.isInteger(bound) ? `le=~"${bound}|${bound}.0"` : `le="${bound}"`);

/** The SLI's error ratio over one window. No bad event in the window reads 0 (not "no data"), no event at all reads nothing. */
export const sliErrorRatio = (slo: Slo, window: string): string => {
  if (slo.sli.events) return `(${sumRate(slo.sli.events.errors, window)} or vector(0))\n/\n${sumRate(slo.sli.events.total, window)}`;
  const { histogram, matchers, thresholdSeconds } = slo.sli.latency;
  const total = sumRate(`${histogram}_count${braces([matchers])}`, window);
  const good = sumRate(`${histogram}_bucket${braces([matchers, bucketMatcher(thresholdSeconds)])}`, window);
  return `(\n  ${total}\n  -\n  (${good} or vector(0))\n)\n/\n${total}`;
};

const recordingRules = (slo: Slo): RecordingRule[] => {
  const labels = { slo: slo.name };
  return [
    ...SLI_WINDOWS.map((window) => ({ record: `slo:sli_error:ratio_rate${window}`, expr: sliErrorRatio(slo, window), labels })),
    { record: 'slo:objective:ratio', expr: `vector(${slo.objective})`, labels },
    { record: 'slo:error_budget_burn:rate1h', expr: `slo:sli_error:ratio_rate1h{slo="${slo.name}"} / ${budgetOf(slo)}`, labels },
  ];
};

const burnCondition = (slo: Slo, { factor, long, short }: BurnWindow): string => {
  const over = (window: string) => `slo:sli_error:ratio_rate${window}{slo="${slo.name}"} > (${factor} * ${budgetOf(slo)})`;
  return `(\n  ${over(long)}\nand\n  ${over(short)}\n)`;
};

const burnDescription = (slo: Slo, windows: BurnWindow[], budgetDays: number): string => {
  const clauses = windows.map(
    ({ factor, long, short }) =>
      `above ${factor}x the budget over ${long} and ${short} (${percent(factor * budgetOf(slo))} of events bad; at that pace the ${budgetDays}-day budget lasts ${Number((budgetDays / factor).toFixed(1))} days)`,
  );
  return `The ${slo.name} SLO (objective ${percent(slo.objective)} over ${budgetDays} days) is spending its error budget: the error ratio is ${clauses.join(', or ')}. The SLI is defined in deploy/observability/slo/slos.yaml.`;
};

const burnAlerts = (slo: Slo, budgetDays: number): AlertingRule[] =>
  BURN_ALERTS.map(({ suffix, severity, windows }) => ({
    alert: `${slo.alertName}${suffix}`,
    expr: windows.map((window) => burnCondition(slo, window)).join('\nor\n'),
    labels: { severity, slo: slo.name },
    annotations: {
      summary: `${slo.name} SLO: error budget burning ${severity === 'page' ? 'fast' : 'slowly'}`,
      description: burnDescription(slo, windows, budgetDays),
      runbook_url: runbookUrl(`${slo.alertName}${suffix}`),
    },
  }));

/** One rule group per SLO: its recording rules first (a group evaluates in order), then its two burn-rate alerts. */
export const sloRuleGroup = (slo: Slo, window: string): RuleGroup => ({
  name: `slo-${slo.name}`,
  rules: [...recordingRules(slo), ...burnAlerts(slo, Number.parseInt(window, 10))],
});
