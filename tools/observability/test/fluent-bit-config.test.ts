import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findPipelineProblems, readFluentBitConfig, ship, SIMULATED_FILTERS, type FluentBitConfig } from '../src/fluent-bit-pipeline.js';
import { OBSERVABILITY_DIR, REPO_ROOT } from '../src/index.js';
import { SECRET, serviceLogLines, TRACE_ID } from './service-log-lines.js';

const FLUENT_BIT = path.join(OBSERVABILITY_DIR, 'fluent-bit');
const read = (file: string): FluentBitConfig => readFluentBitConfig(readFileSync(path.join(FLUENT_BIT, file), 'utf8'));
const kubernetes = read('fluent-bit.yaml');
const compose = read('fluent-bit.compose.yaml');

// How each runtime writes a container's stdout line to the file Fluent Bit tails.
const asCriLine = (line: string) => `2026-12-03T15:35:45.123456789Z stdout F ${line}`;
const asDockerJsonLine = (line: string) => JSON.stringify({ log: `${line}\n`, stream: 'stdout', time: '2026-12-03T15:35:45.123456789Z' });
const CONFIGS = [
  { name: 'Kubernetes', config: kubernetes, file: '/var/log/containers/order-7d9f_ordering_order-abc.log', wrap: asCriLine },
  { name: 'compose', config: compose, file: '/var/lib/docker/containers/abc/abc-json.log', wrap: asDockerJsonLine },
];
// The correlation fields the logger writes and the logs store is searched by.
const KEPT_FIELDS = ['time', 'level', 'service', 'msg', 'traceId', 'spanId', 'reqId'];

let lines: Record<string, unknown>[];
let raw: string[];
beforeAll(async () => {
  ({ lines, raw } = await serviceLogLines());
});

describe.each(CONFIGS)('the Fluent Bit config for $name', ({ config, file, wrap }) => {
  it('when its pipeline is read, then every input reaches the Elasticsearch output through filters this test simulates', () => {
    expect(findPipelineProblems(config)).toEqual([]);
    expect(config.pipeline.inputs.map((input) => input.name)).toEqual(['tail']);
    for (const filter of config.pipeline.filters ?? []) expect(SIMULATED_FILTERS).toContain(filter.name);
    expect(config.pipeline.outputs).toEqual([
      expect.objectContaining({ name: 'es', index: 'ordering-logs', host: '${ELASTICSEARCH_HOST}', port: '${ELASTICSEARCH_PORT}' }),
    ]);
  });

  it("when a service's request lines go through it, then they reach the output with the logger's fields at the top level, unchanged", () => {
    const requestLines = lines.filter((line) => line['reqId'] === 'req-1');
    expect(requestLines.map((line) => line['msg'])).toEqual(['thing handled', 'request completed']);
    for (const [index, line] of raw.entries()) {
      const shipped = ship(config, file, wrap(line));
      expect(shipped.outputs.map((output) => output.name)).toEqual(['es']);
      for (const field of KEPT_FIELDS) expect(shipped.record?.[field], field).toEqual(lines[index]![field]);
    }
    for (const line of requestLines) expect(line['traceId']).toBe(TRACE_ID);
  });

  it('when a line carries fields the logger redacts, or another program logs them in clear, then none of them is shipped', () => {
    const handled = raw.find((line) => line.includes('thing handled'))!;
    const logged = JSON.parse(handled) as Record<string, unknown>;
    const redacted = Object.keys(logged).filter((key) => logged[key] === '[redacted]');
    expect(redacted.sort()).toEqual(['accessToken', 'password', 'privateKey', 'token']);
    const inClear = JSON.stringify({
      ...logged,
      ...Object.fromEntries(redacted.map((key) => [key, SECRET])),
      authorization: `Bearer ${SECRET}`,
      headers: { cookie: SECRET },
    });
    for (const line of [handled, inClear]) {
      const shipped = ship(config, file, wrap(line)).record!;
      expect(Object.keys(shipped)).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^(password|token|accessToken|privateKey|authorization|headers)$/)]),
      );
      expect(JSON.stringify(shipped)).not.toContain(SECRET);
      expect(shipped['orderId']).toBe('o-1');
    }
  });

  it('when the config names a field of the line (time key, grep key), then it is one the logger writes', () => {
    const named = [
      ...(config.parsers ?? []).filter((parser) => parser.name !== 'docker-json-file').map((parser) => String(parser['time_key'])),
      ...(config.pipeline.filters ?? []).flatMap((filter) => (filter.name === 'grep' ? [String(filter['regex']).split(' ')[0]!] : [])),
    ];
    for (const field of named) expect(Object.keys(lines[0]!)).toContain(field);
  });
});

describe('the Fluent Bit configs together', () => {
  it("when a line that is not a service's reaches the compose pipeline, then it is dropped (the log store's own lines never loop back)", () => {
    const elasticsearchLine = JSON.stringify({
      '@timestamp': '2026-12-03T15:35:45.123Z',
      'log.level': 'INFO',
      message: 'started',
      'service.name': 'ES_ECS',
    });
    expect(ship(compose, '/var/lib/docker/containers/e/e-json.log', asDockerJsonLine(elasticsearchLine)).record).toBeUndefined();
    expect(ship(compose, '/var/lib/docker/containers/e/e-json.log', asDockerJsonLine('plain text, not JSON')).record).toBeUndefined();
  });

  it('when both remove lists are compared, then they are the same guard', () => {
    const removed = (config: FluentBitConfig) => config.pipeline.filters?.find((filter) => filter.name === 'modify')?.['remove'];
    expect(removed(kubernetes)).toEqual(removed(compose));
  });

  it('when the DaemonSet and compose start Fluent Bit, then they mount these files and set the variables the output reads', () => {
    const daemonSet = readFileSync(path.join(FLUENT_BIT, 'daemon-set.yaml'), 'utf8');
    const composeFile = parse(readFileSync(path.join(REPO_ROOT, 'deploy/compose/compose.yaml'), 'utf8'), { merge: true }) as {
      services: Record<string, { volumes?: string[]; environment?: Record<string, string>; command?: string[] }>;
    };
    const service = composeFile.services['fluent-bit']!;
    expect(service.volumes).toContain('../observability/fluent-bit/fluent-bit.compose.yaml:/fluent-bit/etc/fluent-bit.yaml:ro');
    expect(service.command).toEqual(['--config=/fluent-bit/etc/fluent-bit.yaml']);
    expect(Object.keys(composeFile.services)).toContain(service.environment!['ELASTICSEARCH_HOST']);
    for (const variable of ['ELASTICSEARCH_HOST', 'ELASTICSEARCH_PORT']) expect(daemonSet).toContain(`- name: ${variable}`);
    expect(daemonSet).toContain('--config=/fluent-bit/etc/fluent-bit.yaml');
    expect(daemonSet).toContain('mountPath: /var/log\n');
  });
});
