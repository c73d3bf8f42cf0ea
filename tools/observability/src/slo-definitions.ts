import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { OBSERVABILITY_DIR } from './index.js';

/** An SLI counted from events: the bad ones and all of them, as PromQL selectors of counters. */
export interface EventsSli {
  errors: string;
  total: string;
}

/** An SLI read from a histogram: events slower than a bucket bound are bad. */
export interface LatencySli {
  histogram: string;
  /** Label matchers inside the braces, without them (may be empty). */
  matchers: string;
  thresholdSeconds: number;
}

export interface Slo {
  /** Value of the `slo` label: lowercase-kebab. */
  name: string;
  /** CamelCase stem of the alert names. */
  alertName: string;
  /** Ratio of good events, e.g. 0.995. */
  objective: number;
  description: string;
  sli: { events: EventsSli; latency?: undefined } | { latency: LatencySli; events?: undefined };
}

export interface SloFile {
  window: string;
  slos: Slo[];
}

export const SLO_FILE = path.join(OBSERVABILITY_DIR, 'slo/slos.yaml');

const fail = (message: string): never => {
  throw new Error(`slos.yaml: ${message}`);
};

const text = (value: unknown, where: string): string => (typeof value === 'string' ? value : fail(`${where} must be a string`));

const checkSli = (sli: unknown, where: string): Slo['sli'] => {
  const { events, latency } = (sli ?? {}) as { events?: Record<string, unknown>; latency?: Record<string, unknown> };
  if (Boolean(events) === Boolean(latency)) return fail(`${where}.sli must have exactly one of events, latency`);
  if (events)
    return {
      events: { errors: text(events['errors'], `${where}.sli.events.errors`), total: text(events['total'], `${where}.sli.events.total`) },
    };
  const threshold = latency!['thresholdSeconds'];
  if (typeof threshold !== 'number' || threshold <= 0) return fail(`${where}.sli.latency.thresholdSeconds must be a positive number`);
  return {
    latency: {
      histogram: text(latency!['histogram'], `${where}.sli.latency.histogram`),
      matchers: text(latency!['matchers'] ?? '', `${where}.sli.latency.matchers`),
      thresholdSeconds: threshold,
    },
  };
};

const checkSlo = (raw: unknown, index: number): Slo => {
  const slo = (raw ?? {}) as Record<string, unknown>;
  const where = `slos[${index}]`;
  const name = text(slo['name'], `${where}.name`);
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) fail(`${where}.name '${name}' must be lowercase-kebab`);
  const alertName = text(slo['alertName'], `${where}.alertName`);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(alertName)) fail(`${where}.alertName '${alertName}' must be CamelCase`);
  const objective = slo['objective'];
  if (typeof objective !== 'number' || objective <= 0 || objective >= 1)
    fail(`${where}.objective must be a ratio strictly between 0 and 1`);
  return {
    name,
    alertName,
    objective: objective as number,
    description: text(slo['description'], `${where}.description`),
    sli: checkSli(slo['sli'], where),
  };
};

/** The SLOs of a slos.yaml text, checked: a malformed file fails generation with the field at fault. */
export const parseSlos = (source: string): SloFile => {
  const document = (parse(source) ?? {}) as { window?: unknown; slos?: unknown };
  const window = text(document.window, 'window');
  if (!/^\d+d$/.test(window)) fail(`window '${window}' must be a number of days, e.g. 30d`);
  if (!Array.isArray(document.slos) || document.slos.length === 0) fail('slos must be a non-empty list');
  const slos = (document.slos as unknown[]).map(checkSlo);
  const names = slos.map((slo) => slo.name);
  if (new Set(names).size !== names.length) fail('slo names must be unique');
  return { window, slos };
};

export const loadSlos = (file = SLO_FILE): SloFile => parseSlos(readFileSync(file, 'utf8'));
