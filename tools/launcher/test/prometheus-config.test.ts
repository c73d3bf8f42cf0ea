import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatPrometheusConfig,
  prometheusFiles,
  RULE_FILES_GLOB,
  scrapeTargetsOf,
  targetGroupsOf,
  writePrometheusFiles,
} from '../src/prometheus-config.js';
import { planProcesses } from '../src/service-plan.js';
import { aLauncherConfig } from './builders.js';

const DATABASE_URLS = {
  customer: 'postgres://x/customer',
  order: 'postgres://x/order',
  account: 'postgres://x/account',
  orchestrator: 'postgres://x/orchestrator',
};
const aKeyPair = (service: string) => ({ signingKey: `${service}-private`, publicKey: `${service}-public` });
const SECRETS = {
  operatorToken: 'Kx9_-'.repeat(7),
  signingKeyEncryptionKey: 'K'.repeat(43),
  messageKeys: {
    customer: aKeyPair('customer'),
    order: aKeyPair('order'),
    account: aKeyPair('account'),
    orchestrator: aKeyPair('orchestrator'),
  },
};

const replicatedConfig = aLauncherConfig({ REPLICAS: '2', GATEWAY_METRICS_PORT: '9190' }, ['--observe']);
const replicatedTargets = scrapeTargetsOf(replicatedConfig, planProcesses(replicatedConfig, DATABASE_URLS, SECRETS));

/** promtool checks a config and the file_sd files it names the way Prometheus loads them. CI installs it. */
const promtoolInstalled = spawnSync('promtool', ['--version']).status === 0;

describe('Prometheus targets', () => {
  it('when two replicas run, then every replica of every service is a target labelled with its service and replica, and the gateway is scraped on its metrics listener', () => {
    expect(targetGroupsOf(replicatedTargets)).toEqual([
      { targets: ['127.0.0.1:8081'], labels: { service: 'customer', replica: '0' } },
      { targets: ['127.0.0.1:8091'], labels: { service: 'customer', replica: '1' } },
      { targets: ['127.0.0.1:8082'], labels: { service: 'order', replica: '0' } },
      { targets: ['127.0.0.1:8092'], labels: { service: 'order', replica: '1' } },
      { targets: ['127.0.0.1:8083'], labels: { service: 'account', replica: '0' } },
      { targets: ['127.0.0.1:8093'], labels: { service: 'account', replica: '1' } },
      { targets: ['127.0.0.1:8084'], labels: { service: 'orchestrator', replica: '0' } },
      { targets: ['127.0.0.1:8094'], labels: { service: 'orchestrator', replica: '1' } },
      { targets: ['127.0.0.1:9190'], labels: { service: 'gateway', replica: '0' } },
    ]);
  });
});

describe('formatPrometheusConfig', () => {
  const text = (intervalSeconds: number): string =>
    formatPrometheusConfig({ intervalSeconds, ruleFilesGlob: '/repo/rules/*.yml', targetsFile: '/data/targets.json' });

  it('when the interval is 1 s, then scrapes and rule evaluations run every second and a scrape may take at most that', () => {
    expect(text(1)).toContain('  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n');
  });

  it("when the interval is 15 s, then the scrape timeout stays at Prometheus's 10 s", () => {
    expect(text(15)).toContain('  scrape_interval: 15s\n  scrape_timeout: 10s\n  evaluation_interval: 15s\n');
  });

  it('when written, then it loads the rule files and reads its targets from the targets file, taking the job from the service label', () => {
    expect(text(15)).toContain('rule_files:\n  - "/repo/rules/*.yml"\n');
    expect(text(15)).toContain('      - files: ["/data/targets.json"]\n');
    expect(text(15)).toContain('      - source_labels: [service]\n        target_label: job\n');
  });
});

describe('writePrometheusFiles', () => {
  let dataDir: string;
  beforeAll(async () => {
    // A space and a quote in the path: the config must still hold each path as one string.
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'launcher prometheus "config"-'));
    writePrometheusFiles(prometheusFiles(dataDir), { intervalSeconds: 1, repoRoot: '/repo', targets: replicatedTargets });
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("when written, then the targets file holds every target and the config points at it and at the repository's rule files", async () => {
    const files = prometheusFiles(dataDir);
    const groups: unknown = JSON.parse(await readFile(files.targetsFile, 'utf8'));
    const config = await readFile(files.configFile, 'utf8');

    expect(groups).toEqual(targetGroupsOf(replicatedTargets));
    expect(config).toContain(`files: [${JSON.stringify(files.targetsFile)}]`);
    expect(config).toContain(JSON.stringify(path.join('/repo', RULE_FILES_GLOB)));
    expect(files.storageDir.startsWith(dataDir)).toBe(true);
  });

  it.skipIf(!promtoolInstalled && !process.env['CI'])(
    'when written, then promtool accepts the config and its targets file (skipped without promtool outside CI)',
    () => {
      const result = spawnSync('promtool', ['check', 'config', prometheusFiles(dataDir).configFile], { encoding: 'utf8' });

      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    },
  );
});
