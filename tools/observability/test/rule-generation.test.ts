import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../src/index.js';
import { PROMETHEUS_DIR, RULES_DIR, renderRuleFiles, ruleGroups } from '../src/rule-files.js';
import type { AlertingRule, RecordingRule } from '../src/rule-types.js';
import { loadSlos, parseSlos } from '../src/slo-definitions.js';
import { SLI_WINDOWS } from '../src/slo-rules.js';

const slos = loadSlos();
const rules = ruleGroups(slos).flatMap((group) => group.rules);
const alerts = rules.filter((rule): rule is AlertingRule => 'alert' in rule);
const recordings = rules.filter((rule): rule is RecordingRule => 'record' in rule);

describe('generated rule files', () => {
  it('when the generator runs now, then its output equals the committed rule files and PrometheusRule objects', () => {
    const files = renderRuleFiles(slos);
    for (const [file, content] of files)
      expect(readFileSync(file, 'utf8'), `${path.relative(REPO_ROOT, file)}: run npm run observability:rules`).toBe(content);
    // No committed rule file that the generator no longer writes.
    const committed = readdirSync(RULES_DIR).map((name) => path.join(RULES_DIR, name));
    expect(committed.sort()).toEqual([...files.keys()].filter((file) => file.startsWith(RULES_DIR)).sort());
  });

  it('when the rules are generated, then every SLO has the recording rules the dashboards read', () => {
    expect(slos.slos.map((slo) => slo.name)).toEqual(['checkout-success', 'checkout-latency', 'saga-deadline']);
    const names = [
      'slo:objective:ratio',
      'slo:error_budget_burn:rate1h',
      ...SLI_WINDOWS.map((window) => `slo:sli_error:ratio_rate${window}`),
    ];
    for (const slo of slos.slos) {
      const mine = recordings.filter((rule) => rule.labels?.['slo'] === slo.name).map((rule) => rule.record);
      expect(mine.sort()).toEqual([...names].sort());
    }
    expect(recordings.find((rule) => rule.record === 'slo:objective:ratio' && rule.labels?.['slo'] === 'checkout-success')?.expr).toBe(
      'vector(0.995)',
    );
  });

  it('when the checkout-success SLI is read, then TIMEOUT counts as an error and business refusals do not', () => {
    const sli = recordings.find(
      (rule) => rule.record === 'slo:sli_error:ratio_rate1h' && rule.labels?.['slo'] === 'checkout-success',
    )!.expr;
    expect(sli).toContain('status="ABORTED",reason!~"INSUFFICIENT_FUNDS|');
    expect(sli).not.toContain('TIMEOUT');
  });

  it('when the alerts are generated, then there are a fast (page) and a slow (ticket) burn-rate alert per SLO, with the workbook windows', () => {
    for (const slo of slos.slos) {
      const fast = alerts.find((alert) => alert.alert === `${slo.alertName}BudgetBurnFast`)!;
      const slow = alerts.find((alert) => alert.alert === `${slo.alertName}BudgetBurnSlow`)!;
      expect([fast.labels, slow.labels]).toEqual([
        { severity: 'page', slo: slo.name },
        { severity: 'ticket', slo: slo.name },
      ]);
      const windowsOf = (expr: string) =>
        [...expr.matchAll(/ratio_rate(\w+)\{[^}]*\} > \(([\d.]+) \*/g)].map((match) => `${match[2]}x${match[1]}`);
      expect(windowsOf(fast.expr)).toEqual(['14.4x1h', '14.4x5m', '6x6h', '6x30m']);
      expect(windowsOf(slow.expr)).toEqual(['3x1d', '3x2h', '1x3d', '1x6h']);
    }
  });
});

describe('alerts and their runbook', () => {
  const runbook = readFileSync(path.join(REPO_ROOT, 'docs/runbook.md'), 'utf8');

  it('when every alert is read, then it has a severity, a summary, a description and a runbook section that exists', () => {
    expect(alerts.map((alert) => alert.alert)).toEqual(
      expect.arrayContaining([
        'OutboxBacklog',
        'DeadLettersPresent',
        'SagasStuckPastDeadline',
        'BrokerDisconnected',
        'ProcessRestarting',
        'TargetDown',
      ]),
    );
    for (const alert of alerts) {
      expect(['page', 'ticket']).toContain(alert.labels.severity);
      expect(alert.annotations.summary.length, alert.alert).toBeGreaterThan(10);
      expect(alert.annotations.description.length, alert.alert).toBeGreaterThan(40);
      const anchor = alert.annotations.runbook_url.replace(/^docs\/runbook\.md#/, '');
      expect(anchor, alert.alert).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(runbook, `docs/runbook.md has no <a id="${anchor}">`).toContain(`<a id="${anchor}"></a>`);
    }
  });

  it('when the promtool unit tests are read, then every alert has a case that fires it and one that keeps it quiet', () => {
    const dir = path.join(PROMETHEUS_DIR, 'tests');
    type AlertCase = { alertname: string; exp_alerts?: unknown[] };
    const cases = readdirSync(dir).flatMap((name) => {
      const file = parse(readFileSync(path.join(dir, name), 'utf8')) as { tests: { alert_rule_test?: AlertCase[] }[] };
      return file.tests.flatMap((test) => test.alert_rule_test ?? []);
    });
    for (const { alert } of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} never fires in a unit test`,
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} is never shown quiet in a unit test`,
      ).toBe(true);
    }
  });
});

describe('slos.yaml checks', () => {
  const valid = readFileSync(path.join(REPO_ROOT, 'deploy/observability/slo/slos.yaml'), 'utf8');

  it('when an objective is not a ratio below 1, then parsing fails naming the field', () => {
    expect(() => parseSlos(valid.replace('objective: 0.995', 'objective: 99.5'))).toThrow(
      'slos[0].objective must be a ratio strictly between 0 and 1',
    );
  });

  it('when an SLI has neither events nor latency, or a name is not kebab-case, then parsing fails naming the field', () => {
    expect(() => parseSlos(valid.replace('    sli:\n      events:', '    sli:\n      count:'))).toThrow(
      'slos[0].sli must have exactly one of events, latency',
    );
    expect(() => parseSlos(valid.replace('name: saga-deadline', 'name: SagaDeadline'))).toThrow(
      "slos[2].name 'SagaDeadline' must be lowercase-kebab",
    );
  });
});
