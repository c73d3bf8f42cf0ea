import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LauncherConfig } from './launcher-config.js';
import type { ProcessSpec } from './service-plan.js';

/**
 * What `--observe` hands Prometheus: a config that loads the repository's rule files and discovers its targets from a
 * file the launcher writes from its process plan, so every replica is scraped and labelled with its service and
 * replica. Both live in `DATA_DIR/prometheus/` and are rewritten on every start.
 */

/** The rule files helper tooling generates (deploy/observability/prometheus/rules); a glob that matches nothing loads none. */
export const RULE_FILES_GLOB = 'deploy/observability/prometheus/rules/*.yml';

export interface ScrapeTarget {
  /** `host:port`, as Prometheus wants it. */
  readonly address: string;
  readonly service: string;
  readonly replica: number;
}

/** One file_sd group: Prometheus's own JSON format for `file_sd_configs`. */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface PrometheusFiles {
  readonly directory: string;
  readonly configFile: string;
  readonly targetsFile: string;
  readonly storageDir: string;
}

export const prometheusFiles = (dataDir: string): PrometheusFiles => {
  const directory = path.join(dataDir, 'prometheus');
  return {
    directory,
    configFile: path.join(directory, 'prometheus.yml'),
    targetsFile: path.join(directory, 'targets.json'),
    storageDir: path.join(directory, 'data'),
  };
};

/** Every process of the plan; the gateway on its metrics listener, since its public port serves no `/metrics`. */
export const scrapeTargetsOf = (config: Pick<LauncherConfig, 'gatewayMetricsPort'>, specs: readonly ProcessSpec[]): ScrapeTarget[] =>
  specs.map((spec) => {
    const url = new URL(spec.url);
    const port = spec.service === 'gateway' ? config.gatewayMetricsPort : Number(url.port);
    return { address: `${url.hostname}:${port}`, service: spec.service, replica: spec.replica };
  });

export const targetGroupsOf = (targets: readonly ScrapeTarget[]): TargetGroup[] =>
  targets.map((target) => ({ targets: [target.address], labels: { service: target.service, replica: String(target.replica) } }));

export interface PrometheusConfigInput {
  readonly intervalSeconds: number;
  /** Absolute: Prometheus resolves relative paths against the config file's directory, not the repository. */
  readonly ruleFilesGlob: string;
  readonly targetsFile: string;
}

/**
 * The config as YAML. Strings are written as JSON strings, which YAML reads the same way, so a path with any
 * character stays one scalar. Every target carries the `service` label its series already have, so `honor_labels`
 * keeps theirs instead of renaming it to `exported_service` (the values are the same); `job` is the service's name,
 * as a per-service job would be in a static config.
 */
export const formatPrometheusConfig = (input: PrometheusConfigInput): string => {
  const interval = `${input.intervalSeconds}s`;
  return [
    '# Written by the launcher (npm start -- --observe) on every start: edits are overwritten.',
    'global:',
    `  scrape_interval: ${interval}`,
    // Prometheus refuses a timeout longer than the interval; its default (10 s) is, below 10 s.
    `  scrape_timeout: ${Math.min(input.intervalSeconds, 10)}s`,
    `  evaluation_interval: ${interval}`,
    'rule_files:',
    `  - ${JSON.stringify(input.ruleFilesGlob)}`,
    'scrape_configs:',
    '  - job_name: ordering',
    '    honor_labels: true',
    '    file_sd_configs:',
    `      - files: [${JSON.stringify(input.targetsFile)}]`,
    '    relabel_configs:',
    '      - source_labels: [service]',
    '        target_label: job',
    '',
  ].join('\n');
};

/** Write-then-rename: Prometheus watches the targets file and must never read half of one. */
const writeAtomically = (file: string, text: string): void => {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
};

export const writePrometheusFiles = (
  files: PrometheusFiles,
  input: { readonly intervalSeconds: number; readonly repoRoot: string; readonly targets: readonly ScrapeTarget[] },
): void => {
  mkdirSync(files.storageDir, { recursive: true });
  writeAtomically(files.targetsFile, `${JSON.stringify(targetGroupsOf(input.targets), null, 2)}\n`);
  writeAtomically(
    files.configFile,
    formatPrometheusConfig({
      intervalSeconds: input.intervalSeconds,
      ruleFilesGlob: path.join(input.repoRoot, RULE_FILES_GLOB),
      targetsFile: files.targetsFile,
    }),
  );
};
