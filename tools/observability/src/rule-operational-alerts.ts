import { runbookUrl, type AlertingRule, type RuleGroup } from './rule-types.js';

interface OperationalAlert {
  name: string;
  expr: string;
  for?: string;
  severity: 'page' | 'ticket';
  summary: string;
  description: string;
}

/*
 * The cause alerts, next to the SLO (symptom) alerts. Gauges read from a database at scrape (outbox, dead letters,
 * overdue sagas) are the same on every replica of a service, hence max, never sum, across instances.
 */
const ALERTS: OperationalAlert[] = [
  {
    name: 'OutboxBacklog',
    expr: 'max by (service) (outbox_oldest_pending_age_seconds) > 120',
    for: '5m',
    severity: 'page',
    summary: '{{ $labels.service }}: outbox messages have waited over 2 minutes to be published',
    description:
      'The oldest pending message in the {{ $labels.service }} outbox is {{ $value }} s old (alert above 120 s for 5 minutes): its destination or the broker refuses or does not answer, or the relay is stuck. Sagas waiting on these messages time out and abort.',
  },
  {
    name: 'DeadLettersPresent',
    expr: '(max by (service, queue) (dead_letters) > 0)\nor\nlabel_replace(max by (service) (outbox_dead) > 0, "queue", "outbox", "", "")',
    for: '1m',
    severity: 'ticket',
    summary: '{{ $labels.service }}: {{ $value }} dead letter(s) in {{ $labels.queue }}',
    description:
      '{{ $value }} message(s) of {{ $labels.service }} are parked and wait for an operator: queue "outbox" means the sender gave up publishing them (outbox_dead), any other queue means its consumer refused or failed them 5 times (dead_letters). Nothing is blocked, but each is a saga step or a reply that did not happen.',
  },
  {
    name: 'SagasStuckPastDeadline',
    expr: 'max by (type) (sagas_overdue) > 0',
    for: '5m',
    severity: 'page',
    summary: '{{ $value }} {{ $labels.type }} saga(s) stuck past their step deadline',
    description:
      '{{ $value }} in-flight {{ $labels.type }} saga(s) have a step deadline more than 60 s in the past: the orchestrator sweeper should have resent or timed them out and did not. Their orders stay PENDING and their money may be held.',
  },
  {
    name: 'BrokerDisconnected',
    expr: 'broker_connected == 0',
    for: '1m',
    severity: 'page',
    summary: '{{ $labels.service }} ({{ $labels.instance }}) lost its RabbitMQ connection',
    description:
      '{{ $labels.service }} at {{ $labels.instance }} has had no broker connection for over a minute: it neither publishes its outbox nor consumes its queues, so sagas through it stall and time out.',
  },
  {
    name: 'ProcessRestarting',
    expr: 'changes(process_start_time_seconds[15m]) >= 2',
    severity: 'ticket',
    summary: '{{ $labels.service }} ({{ $labels.instance }}) restarted {{ $value }} times in 15 minutes',
    description:
      'The process behind {{ $labels.instance }} ({{ $labels.service }}) started {{ $value }} times within 15 minutes: it is crash-looping or being killed (out of memory, failed probes). Each restart drops its in-flight requests.',
  },
  {
    name: 'TargetDown',
    expr: 'up == 0',
    for: '5m',
    severity: 'ticket',
    summary: '{{ $labels.job }} target {{ $labels.instance }} is down',
    description:
      'Prometheus has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}) for 5 minutes: the process is down, unreachable, or its /metrics fails. Its metrics, and the alerts on them, are blind meanwhile.',
  },
];

const toRule = ({ name, expr, for: pending, severity, summary, description }: OperationalAlert): AlertingRule => ({
  alert: name,
  expr,
  ...(pending ? { for: pending } : {}),
  labels: { severity },
  annotations: { summary, description, runbook_url: runbookUrl(name) },
});

export const operationalRuleGroup = (): RuleGroup => ({ name: 'ordering-operations', rules: ALERTS.map(toRule) });
