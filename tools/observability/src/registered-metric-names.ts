import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';

/** Suffixes Prometheus exposes for a histogram (or summary) registered under its base name. */
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];
const METRIC_NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
// `name: 'x'` in a prom-client constructor's options, or a helper called with the name as a literal argument
// (`sharedCounter(registry, 'x', ...)`, `sharedHistogram(...)`, outbox-metrics' `gauge('x', ...)`), over line breaks.
const REGISTRATIONS = [
  new RegExp(`\\bname:\\s*['"\`](${METRIC_NAME})['"\`]`, 'g'),
  new RegExp(`\\b\\w*(?:counter|gauge|histogram|summary)\\w*\\(\\s*(?:[\\w.]+\\s*,\\s*)?['"\`](${METRIC_NAME})['"\`]`, 'gi'),
];
// Other `name:` literals (a saga step, a shutdown hook) are not metrics; metric names here all have an underscore.
const looksLikeMetric = (name: string): boolean => name.includes('_');

const sourceFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
        return entry.name.endsWith('.ts') ? [full] : [];
      })
    : [];

const workspaceSourceDirs = (repoRoot: string): string[] =>
  ['packages', 'services'].flatMap((area) =>
    readdirSync(path.join(repoRoot, area), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(repoRoot, area, entry.name, 'src')),
  );

/** Names registered in the workspaces' sources, read from files that use prom-client. */
export const metricNamesInSources = (repoRoot: string): string[] =>
  workspaceSourceDirs(repoRoot)
    .flatMap(sourceFiles)
    .flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return REGISTRATIONS.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]!));
    })
    .filter(looksLikeMetric);

/** What `collectDefaultMetrics` registers (process_*, nodejs_*), as every service calls it. */
export const defaultMetricNames = async (): Promise<string[]> => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return (await registry.getMetricsAsJSON()).map((metric) => metric.name);
};

/** The `record:` names of the plain rule files; a missing folder has none. */
export const recordingRuleNames = (rulesDir: string): string[] =>
  sourceFilesOfRules(rulesDir).flatMap((file) => {
    const document = parse(readFileSync(file, 'utf8')) as { groups?: { rules?: { record?: string }[] }[] } | null;
    return (document?.groups ?? []).flatMap((group) => (group.rules ?? []).flatMap((rule) => (rule.record ? [rule.record] : [])));
  });

const sourceFilesOfRules = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((file) => /\.ya?ml$/.test(file))
        .map((file) => path.join(dir, file))
    : [];

/** Series Prometheus writes itself for every target and alert. */
const PROMETHEUS_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_series_added', 'ALERTS', 'ALERTS_FOR_STATE'];

/** Every series name a dashboard or rule may read: registered metrics, prom-client defaults, recording rules. */
export const knownSeriesNames = async (repoRoot: string): Promise<Set<string>> =>
  new Set([
    ...PROMETHEUS_SERIES,
    ...metricNamesInSources(repoRoot),
    ...(await defaultMetricNames()),
    ...recordingRuleNames(path.join(repoRoot, 'deploy/observability/prometheus/rules')),
  ]);

/** A name is exposed if it is known, or is a known histogram's bucket, sum or count series. */
export const isExposed = (name: string, known: Set<string>): boolean =>
  known.has(name) || HISTOGRAM_SUFFIXES.some((suffix) => name.endsWith(suffix) && known.has(name.slice(0, -suffix.length)));
