/** Prometheus rule-file shapes, as the generator writes them (field order is the order in the files). */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: 'page' | 'ticket' } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  name: string;
  rules: Rule[];
}

/** Where an alert's runbook section is: its name in lowercase-kebab (OutboxBacklog -> outbox-backlog). */
export const runbookUrl = (alertName: string): string =>
  `docs/runbook.md#${alertName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
