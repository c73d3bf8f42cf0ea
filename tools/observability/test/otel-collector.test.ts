import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { OBSERVABILITY_DIR, REPO_ROOT } from '../src/index.js';

type Data = Record<string, unknown>;
interface Pipeline {
  receivers?: string[];
  processors?: string[];
  exporters?: string[];
}
interface CollectorConfig {
  extensions?: Data;
  receivers?: Data;
  processors?: Data;
  exporters?: Data;
  connectors?: Data;
  service: { extensions?: string[]; pipelines: Record<string, Pipeline> };
}
interface Policy {
  name: string;
  type: string;
  [settings: string]: unknown;
}
interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Data;
}

const COLLECTOR_FILE = path.join(OBSERVABILITY_DIR, 'otel-collector/collector.yaml');
const COMPOSE_FILE = path.join(REPO_ROOT, 'deploy/compose/compose.yaml');
// Jaeger is the cluster's, next to Prometheus: outside the rendered manifests, in this namespace.
const EXTERNAL_NAMESPACE = 'monitoring';

const config = parse(readFileSync(COLLECTOR_FILE, 'utf8')) as CollectorConfig;
const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as { services: Record<string, { volumes?: unknown[] }> };
let rendered: Manifest[] = [];

beforeAll(() => {
  const text = execFileSync('kubectl', ['kustomize', path.join(REPO_ROOT, 'deploy/k8s/overlays/dev')], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  rendered = parseAllDocuments(text).map((document) => document.toJS() as Manifest);
}, 180_000);

/** `${env:NAME:-default}` as the collector expands it: the variable and its default. */
const ENV_REFERENCE = /^\$\{env:([A-Z_]+)(?::-([^}]*))?\}$/;
const endpointOf = (value: string): { variable?: string; fallback: string } => {
  const match = ENV_REFERENCE.exec(value);
  return match ? { variable: match[1], fallback: match[2] ?? '' } : { fallback: value };
};
const hostOf = (endpoint: string): string => endpoint.replace(/^[a-z]+:\/\//, '').split(':')[0] ?? '';

/** Every host an exporter sends to, as written in collector.yaml. */
const exporterTargets = (): Array<{ exporter: string; endpoint: string }> => {
  const exporters = config.exporters ?? {};
  const jaeger = exporters['otlp/jaeger'] as { endpoint: string };
  const balancer = exporters['loadbalancing'] as { resolver: { dns: { hostname: string } } };
  return [
    { exporter: 'otlp/jaeger', endpoint: jaeger.endpoint },
    { exporter: 'loadbalancing', endpoint: balancer.resolver.dns.hostname },
  ];
};

const collectorEnv = (): Record<string, string> => {
  const deployment = rendered.find((m) => m.kind === 'Deployment' && m.metadata.name === 'otel-collector');
  const containers =
    (
      (deployment?.spec?.['template'] as Data | undefined)?.['spec'] as
        { containers: Array<{ env?: Array<{ name: string; value: string }> }> } | undefined
    )?.containers ?? [];
  return Object.fromEntries((containers[0]?.env ?? []).map((variable) => [variable.name, variable.value]));
};

/** A cluster DNS name `service.namespace[.svc.cluster.local]` that is a Service here, or lives in the external namespace. */
const resolvesInCluster = (host: string): boolean => {
  const [service, namespace = 'ordering'] = host.split('.');
  if (namespace === EXTERNAL_NAMESPACE) return true;
  return rendered.some((m) => m.kind === 'Service' && m.metadata.name === service && (m.metadata.namespace ?? 'ordering') === namespace);
};

const composeServiceMountingCollector = (): string | undefined =>
  Object.entries(compose.services).find(([, service]) =>
    JSON.stringify(service.volumes ?? []).includes('otel-collector/collector.yaml'),
  )?.[0];

describe('the OpenTelemetry Collector config', () => {
  it('when its pipelines are read, then every receiver, processor, exporter and extension they name is defined', () => {
    const defined = (section: Data | undefined): string[] => Object.keys(section ?? {});
    const connectors = defined(config.connectors);
    const pipelines = Object.entries(config.service.pipelines);
    expect(pipelines.length).toBeGreaterThan(0);
    for (const [name, pipeline] of pipelines) {
      for (const receiver of pipeline.receivers ?? [])
        expect([...defined(config.receivers), ...connectors], `${name}: receiver ${receiver}`).toContain(receiver);
      for (const processor of pipeline.processors ?? [])
        expect(defined(config.processors), `${name}: processor ${processor}`).toContain(processor);
      for (const exporter of pipeline.exporters ?? [])
        expect([...defined(config.exporters), ...connectors], `${name}: exporter ${exporter}`).toContain(exporter);
      expect(pipeline.receivers?.length, `${name} has no receiver`).toBeGreaterThan(0);
      expect(pipeline.exporters?.length, `${name} has no exporter`).toBeGreaterThan(0);
    }
    for (const extension of config.service.extensions ?? []) expect(defined(config.extensions)).toContain(extension);
    // A connector is used at both ends, or spans would pile up in it (or it would never produce).
    for (const connector of connectors) {
      expect(
        pipelines.some(([, pipeline]) => pipeline.exporters?.includes(connector)),
        `${connector} as an exporter`,
      ).toBe(true);
      expect(
        pipelines.some(([, pipeline]) => pipeline.receivers?.includes(connector)),
        `${connector} as a receiver`,
      ).toBe(true);
    }
  });

  it('when spans come in over OTLP, then they reach Jaeger only through memory_limiter first and tail sampling', () => {
    const receivers = config.receivers as { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } };
    expect(receivers.otlp.protocols.grpc.endpoint).toMatch(/:4317$/);
    expect(receivers.otlp.protocols.http.endpoint).toMatch(/:4318$/);
    const pipelines = Object.values(config.service.pipelines);
    for (const pipeline of pipelines) {
      if (pipeline.receivers?.includes('otlp') || pipeline.exporters?.includes('otlp/jaeger'))
        expect(pipeline.processors?.[0]).toBe('memory_limiter');
    }
    const toJaeger = pipelines.filter((pipeline) => pipeline.exporters?.includes('otlp/jaeger'));
    expect(toJaeger.length).toBe(1);
    expect(toJaeger[0]?.processors).toContain('tail_sampling');
    expect(toJaeger[0]?.processors?.at(-1)).toBe('batch');
  });

  it('when tail sampling decides, then every error trace, every compensation trace and every slow trace is kept, and a tenth of the rest', () => {
    const sampling = (config.processors ?? {})['tail_sampling'] as { policies: Policy[] };
    const byType = (type: string): Policy[] => sampling.policies.filter((policy) => policy.type === type);
    // Top-level policies are OR-ed: each of these alone keeps the trace.
    expect(byType('status_code').map((policy) => policy['status_code'])).toContainEqual({ status_codes: ['ERROR'] });
    expect(byType('boolean_attribute').map((policy) => policy['boolean_attribute'])).toContainEqual({
      key: 'ordering.saga.compensating',
      value: true,
    });
    expect(byType('latency').map((policy) => (policy['latency'] as { threshold_ms: number }).threshold_ms)).toEqual([2000]);
    expect(
      byType('probabilistic').map((policy) => (policy['probabilistic'] as { sampling_percentage: number }).sampling_percentage),
    ).toEqual([10]);
    expect(
      sampling.policies.every((policy) => ['status_code', 'boolean_attribute', 'latency', 'probabilistic'].includes(policy.type)),
    ).toBe(true);
  });

  it('when compose runs it, then every exporter host it falls back to is a compose service', () => {
    const collectorService = composeServiceMountingCollector();
    for (const { exporter, endpoint } of exporterTargets()) {
      const host = hostOf(endpointOf(endpoint).fallback);
      // The loadbalancing default names the collector itself, once compose runs it (helper "dashboards"' part).
      if (exporter === 'loadbalancing' && collectorService === undefined) continue;
      expect(Object.keys(compose.services), `${exporter}: ${host}`).toContain(host);
    }
    if (collectorService !== undefined) expect(hostOf(endpointOf(exporterTargets()[1]?.endpoint ?? '').fallback)).toBe(collectorService);
  });

  it('when Kubernetes runs it, then every exporter endpoint variable is set and names a Service of the overlay or of the monitoring namespace', () => {
    const env = collectorEnv();
    for (const { exporter, endpoint } of exporterTargets()) {
      const { variable } = endpointOf(endpoint);
      expect(variable, `${exporter} takes its endpoint from a variable`).toBeDefined();
      const value = env[variable ?? ''];
      expect(value, `${variable} in the otel-collector Deployment`).toBeDefined();
      expect(resolvesInCluster(hostOf(value ?? '')), `${exporter}: ${value}`).toBe(true);
    }
    const shared = rendered.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('ordering-shared-')) as unknown as {
      data: Record<string, string>;
    };
    expect(resolvesInCluster(hostOf(shared.data['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? ''))).toBe(true);
  });
});
