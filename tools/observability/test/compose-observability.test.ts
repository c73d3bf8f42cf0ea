import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SYSTEM_SERVICES } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OBSERVABILITY_DIR, REPO_ROOT } from '../src/index.js';

interface ComposeService {
  profiles?: string[];
  volumes?: string[];
  ports?: string[];
  environment?: Record<string, string>;
}
const COMPOSE_DIR = path.join(REPO_ROOT, 'deploy/compose');
const compose = parse(readFileSync(path.join(COMPOSE_DIR, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const OWN_SERVICES = SYSTEM_SERVICES;
const observability = Object.entries(compose.services).filter(([, service]) => service.profiles?.includes('observability'));

/** `source:target[:mode]` mounts of files in the repository (named volumes and host paths excluded). */
const repositoryMounts = (service: ComposeService): { source: string; target: string }[] =>
  (service.volumes ?? [])
    .filter((volume) => volume.startsWith('.'))
    .map((volume) => {
      const [source = '', target = ''] = volume.split(':');
      return { source: path.resolve(COMPOSE_DIR, source), target };
    });

describe('compose profile observability', () => {
  it("when its services are listed, then every tool of the operator's side is there", () => {
    expect(observability.map(([name]) => name).sort()).toEqual([
      'elasticsearch',
      'fluent-bit',
      'grafana',
      'jaeger',
      'kibana',
      'kibana-setup',
      'otel-collector',
      'prometheus',
    ]);
  });

  it('when a tool mounts configuration, then it comes from deploy/observability and the file exists (once its part is in the tree)', () => {
    const mounts = observability.flatMap(([, service]) => repositoryMounts(service));
    expect(mounts.length).toBeGreaterThan(6);
    for (const { source } of mounts) {
      expect(source.startsWith(`${OBSERVABILITY_DIR}/`), source).toBe(true);
      // prometheus/ and otel-collector/ are written by other parts of issue 11; each part's own files must be there.
      const part = path.join(OBSERVABILITY_DIR, path.relative(OBSERVABILITY_DIR, source).split(path.sep)[0]!);
      if (existsSync(part)) expect(existsSync(source), source).toBe(true);
    }
    for (const part of ['grafana', 'fluent-bit', 'kibana']) expect(existsSync(path.join(OBSERVABILITY_DIR, part))).toBe(true);
    expect(existsSync(path.join(COMPOSE_DIR, 'observability'))).toBe(false);
  });

  it("when Grafana's data sources are read, then each URL is a compose service on a port it listens on", () => {
    const { datasources } = parse(readFileSync(path.join(OBSERVABILITY_DIR, 'grafana/provisioning/datasources.yaml'), 'utf8')) as {
      datasources: { url: string }[];
    };
    const listening: Record<string, string> = { prometheus: '9090', jaeger: '16686', elasticsearch: '9200' };
    for (const { url } of datasources) {
      const { hostname, port } = new URL(url);
      expect(compose.services[hostname], url).toBeDefined();
      expect(port).toBe(listening[hostname]);
    }
  });

  it('when the services start, then they take the collector endpoint from the environment, and the collector listens for OTLP', () => {
    for (const name of OWN_SERVICES)
      expect(compose.services[name]!.environment!['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('${OTEL_EXPORTER_OTLP_ENDPOINT:-}');
    expect(compose.services['otel-collector']!.ports).toEqual(['127.0.0.1:4317:4317', '127.0.0.1:4318:4318']);
    expect(readFileSync(path.join(COMPOSE_DIR, 'compose.yaml'), 'utf8')).toContain(
      'OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318 docker compose',
    );
  });

  it('when a tool publishes a port, then only on the loopback address', () => {
    for (const [name, service] of observability) for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
  });
});
