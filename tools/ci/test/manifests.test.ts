import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseManifests, renderKustomization, type Manifest } from '../src/kustomize.js';
import { findPolicyViolations } from '../src/manifest-policies.js';
import { validateManifests } from '../src/manifest-schemas.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const OVERLAYS = ['dev', 'prod'] as const;
const SERVICES = ['gateway', 'customer', 'order', 'account', 'orchestrator'];
// Rendering and type-checking take a few seconds each; a loaded 2-core machine may take several times that.
const SLOW = 180_000;

const rendered = new Map<string, Manifest[]>();
const overlay = (name: string): Manifest[] => structuredClone(rendered.get(name)!);
const readManifests = (file: string): Manifest[] => parseManifests(readFileSync(path.join(repoRoot, file), 'utf8'));
const find = (manifests: Manifest[], kind: string, name: string): Manifest => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into rendered objects to break them
const spec = (manifest: Manifest): any => manifest['spec'];
const firstContainer = (deployment: Manifest) => spec(deployment).template.spec.containers[0];

beforeAll(() => {
  for (const name of OVERLAYS) rendered.set(name, renderKustomization(path.join(repoRoot, 'deploy/k8s/overlays', name)));
}, SLOW);

describe('rendered overlays against their schemas', () => {
  it.each(OVERLAYS)(
    'when the %s overlay is rendered, then every object validates against its schema',
    (name) => {
      const manifests = overlay(name);
      expect(manifests.length).toBeGreaterThan(40);
      expect(validateManifests(manifests)).toEqual([]);
    },
    SLOW,
  );

  it(
    'when the Argo CD manifests, the argocd-cm patch and the chaos drill are read, then they validate',
    () => {
      const manifests = [
        ...renderKustomization(path.join(repoRoot, 'deploy/argocd')),
        ...readManifests('deploy/argocd/argocd-cm-health-checks.yaml'),
        ...readManifests('deploy/k8s/chaos/account-fault-injection.yaml'),
      ];
      expect(manifests.map((m) => m.kind).sort()).toEqual(['AppProject', 'Application', 'Application', 'ConfigMap', 'VirtualService']);
      expect(validateManifests(manifests)).toEqual([]);
    },
    SLOW,
  );

  it(
    'when a field is misspelled or an enum is wrong, then validation fails',
    () => {
      const manifests = overlay('prod');
      const deployment = find(manifests, 'Deployment', 'order');
      const container = firstContainer(deployment);
      container.readinessProbee = container.readinessProbe;
      delete container.readinessProbe;
      const peerAuthentication = find(manifests, 'PeerAuthentication', 'default');
      spec(peerAuthentication).mtls.mode = 'STRCT';
      const problems = validateManifests([deployment, peerAuthentication]);
      expect(problems).toEqual(
        expect.arrayContaining([
          { object: 'Deployment/order', message: expect.stringMatching(/readinessProbee.* does not exist in type 'IContainer'/) },
          { object: 'PeerAuthentication/default', message: expect.stringContaining('must be equal to one of the allowed values') },
        ]),
      );
    },
    SLOW,
  );

  it(
    'when a ServiceMonitor endpoint field is misspelled or a PrometheusRule rule has no expr, then validation fails',
    () => {
      const manifests = overlay('dev');
      const monitor = find(manifests, 'ServiceMonitor', 'order');
      const endpoint = spec(monitor).endpoints[0];
      endpoint.schem = endpoint.scheme;
      delete endpoint.scheme;
      const rule = find(manifests, 'PrometheusRule', 'ordering-operations');
      delete spec(rule).groups[0].rules[0].expr;
      expect(validateManifests([monitor, rule])).toEqual(
        expect.arrayContaining([
          { object: 'ServiceMonitor/order', message: expect.stringContaining('\'"schem"\' does not exist') },
          { object: 'PrometheusRule/ordering-operations', message: expect.stringContaining('must have required property expr') },
        ]),
      );
    },
    SLOW,
  );

  it('when the Kiali CR has a misspelled field or a URL that is not one, then our own Kiali schema reports it', () => {
    const kiali = find(overlay('dev'), 'Kiali', 'kiali');
    expect(validateManifests([kiali])).toEqual([]);
    spec(kiali).external_services.prometheus.url = 'prometheus-operated:9090';
    spec(kiali).deployment.view_only_mod = true;
    expect(validateManifests([kiali])).toEqual([
      { object: 'Kiali/kiali', message: "/spec/deployment must NOT have additional properties: 'view_only_mod'" },
      { object: 'Kiali/kiali', message: '/spec/external_services/prometheus/url must match pattern "^https?://[^\\s/]+"' },
    ]);
  });

  it('when an object has a kind no schema knows, then it is a problem rather than unchecked', () => {
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(validateManifests([unknown])).toEqual([{ object: 'Widget/w', message: 'no schema for example.com/v1 Widget' }]);
  });
});

describe('policies on the rendered overlays', () => {
  it.each(OVERLAYS)('when the %s overlay is rendered, then it breaks no policy', (name) => {
    expect(findPolicyViolations(overlay(name))).toEqual([]);
  });

  it.each(OVERLAYS)('when the %s overlay is rendered, then every service has its workload, Secret reference and mesh policy', (name) => {
    const manifests = overlay(name);
    for (const service of SERVICES) {
      for (const kind of [
        'Deployment',
        'Service',
        'ServiceAccount',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'NetworkPolicy',
        'AuthorizationPolicy',
        'DestinationRule',
      ]) {
        expect(find(manifests, kind, service).metadata.namespace).toBe('ordering');
      }
      const envFrom = firstContainer(find(manifests, 'Deployment', service)).envFrom as { secretRef?: { name: string } }[];
      expect(envFrom.map((source) => source.secretRef?.name).filter(Boolean)).toEqual([`${service}-secrets`]);
    }
    // Secrets are referenced, never committed.
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    expect(
      find(manifests, 'ConfigMap', manifests.find((m) => m.metadata.name.startsWith('ordering-shared-'))!.metadata.name)['data'],
    ).toMatchObject({
      JWKS_OVER_PRIVATE_NETWORK: 'true',
      MESSAGE_PUBLIC_KEYS: expect.stringContaining('orchestrator='),
    });
  });

  it.each(OVERLAYS)(
    'when the %s overlay is rendered, then the observability components are in it: dashboards, log shipping, mesh telemetry and Kiali',
    (name) => {
      const manifests = overlay(name);
      expect(find(manifests, 'ConfigMap', 'grafana-dashboards-ordering').metadata.labels).toMatchObject({ grafana_dashboard: '1' });
      expect(spec(find(manifests, 'DaemonSet', 'fluent-bit')).template.spec.serviceAccountName).toBe('fluent-bit');
      expect(find(manifests, 'RoleBinding', 'fluent-bit')['subjects']).toEqual([
        { kind: 'ServiceAccount', name: 'fluent-bit', namespace: 'ordering' },
      ]);
      expect(spec(find(manifests, 'Telemetry', 'ordering')).tracing[0].providers).toEqual([{ name: 'otel-collector' }]);
      expect(find(manifests, 'Kiali', 'kiali').metadata.namespace).toBe('ordering');
    },
  );

  it('when a Deployment loses its probes, limits or security context, then the policies fail', () => {
    const manifests = overlay('prod');
    delete firstContainer(find(manifests, 'Deployment', 'order')).readinessProbe;
    delete firstContainer(find(manifests, 'Deployment', 'account')).resources.limits;
    delete spec(find(manifests, 'Deployment', 'customer')).template.spec.securityContext.runAsNonRoot;
    delete firstContainer(find(manifests, 'Deployment', 'customer')).securityContext.runAsNonRoot;
    firstContainer(find(manifests, 'Deployment', 'gateway')).securityContext.readOnlyRootFilesystem = false;
    expect(findPolicyViolations(manifests)).toEqual([
      'Deployment/account container account: no cpu limits',
      'Deployment/account container account: no memory limits',
      'Deployment/customer container customer: runAsNonRoot is not true',
      'Deployment/gateway container gateway: root filesystem is writable',
      'Deployment/order container order: readiness probe is not GET /readyz',
    ]);
  });

  it('when a Deployment loses its PodDisruptionBudget, autoscaler or NetworkPolicy, then the policies fail', () => {
    const manifests = overlay('prod').filter(
      (m) => !(m.metadata.name === 'order' && ['PodDisruptionBudget', 'HorizontalPodAutoscaler', 'NetworkPolicy'].includes(m.kind)),
    );
    expect(findPolicyViolations(manifests)).toEqual([
      'Deployment/order: no PodDisruptionBudget selects its pods',
      'Deployment/order: no HorizontalPodAutoscaler scales it',
      'Deployment/order: no NetworkPolicy selects its pods',
    ]);
  });

  it('when a service loses its AuthorizationPolicy, or a policy names an unknown caller, then the policies fail', () => {
    const manifests = overlay('dev').filter((m) => !(m.kind === 'AuthorizationPolicy' && m.metadata.name === 'account'));
    spec(find(manifests, 'AuthorizationPolicy', 'order')).rules[0].from[0].source.principals = ['cluster.local/ns/ordering/sa/billing'];
    expect(findPolicyViolations(manifests)).toEqual([
      'Service/account: no AuthorizationPolicy selects its pods',
      "AuthorizationPolicy/order: principal 'cluster.local/ns/ordering/sa/billing' is not a ServiceAccount of these manifests",
    ]);
  });

  it('when a DestinationRule or VirtualService names a host that is no Service, or mTLS is not STRICT, then the policies fail', () => {
    const manifests = overlay('prod');
    spec(find(manifests, 'DestinationRule', 'order')).host = 'orders.ordering.svc.cluster.local';
    spec(find(manifests, 'VirtualService', 'edge')).http[0].route[0].destination.host = 'gateway.elsewhere.svc.cluster.local';
    spec(find(manifests, 'PeerAuthentication', 'default')).mtls.mode = 'PERMISSIVE';
    expect(findPolicyViolations(manifests)).toEqual([
      "DestinationRule/order: host 'orders.ordering.svc.cluster.local' is not a Service",
      "VirtualService/edge: host 'gateway.elsewhere.svc.cluster.local' is not a Service",
      'namespace ordering: no namespace-wide STRICT PeerAuthentication',
    ]);
  });

  it.each(OVERLAYS)(
    'when the %s overlay is rendered, then a ServiceMonitor scrapes every service on a port its Service has, and the rules are there',
    (name) => {
      const manifests = overlay(name);
      for (const service of SERVICES) {
        const monitor = find(manifests, 'ServiceMonitor', service);
        expect(monitor.metadata.namespace).toBe('ordering');
        expect(spec(monitor).selector.matchLabels).toEqual({ app: service });
        const ports = (spec(find(manifests, 'Service', service)).ports as { name: string }[]).map((port) => port.name);
        const endpoint = spec(monitor).endpoints[0];
        expect(ports).toContain(endpoint.port);
        expect(endpoint.path).toBe('/metrics');
      }
      // The gateway's public port never serves /metrics: its own listener does.
      expect(spec(find(manifests, 'ServiceMonitor', 'gateway')).endpoints[0].port).toBe('http-metrics');
      const groups = manifests
        .filter((m) => m.kind === 'PrometheusRule')
        .flatMap((m) => spec(m).groups.map((group: { name: string }) => group.name));
      expect(groups.sort()).toEqual(['ordering-operations', 'slo-checkout-latency', 'slo-checkout-success', 'slo-saga-deadline']);
    },
  );

  it.each(OVERLAYS)(
    "when the %s overlay is rendered, then a PodMonitor scrapes the sidecars on Envoy's stats port and every NetworkPolicy admits it from monitoring",
    (name) => {
      const manifests = overlay(name);
      const endpoint = spec(find(manifests, 'PodMonitor', 'envoy-sidecars')).podMetricsEndpoints[0];
      expect(endpoint).toMatchObject({ port: 'http-envoy-prom', path: '/stats/prometheus' });
      for (const service of SERVICES) {
        const rules = spec(find(manifests, 'NetworkPolicy', service)).ingress as {
          from: { namespaceSelector?: { matchLabels: Record<string, string> } }[];
          ports: { port: unknown }[];
        }[];
        const fromMonitoring = rules.filter((rule) =>
          rule.from.some((peer) => peer.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'monitoring'),
        );
        expect(
          fromMonitoring.flatMap((rule) => rule.ports.map((port) => port.port)),
          service,
        ).toContain(15090);
      }
    },
  );

  it('when the prod overlay is rendered, then it runs 2+ replicas of pinned images, with every Secret from an ExternalSecret', () => {
    const manifests = overlay('prod');
    for (const hpa of manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler'))
      expect(spec(hpa).minReplicas).toBeGreaterThanOrEqual(2);
    for (const service of SERVICES) {
      expect(firstContainer(find(manifests, 'Deployment', service)).image).toMatch(
        new RegExp(`^registry\\.example\\.com/ordering/${service}:[\\w.-]+@sha256:[a-f0-9]{64}$`),
      );
      expect(spec(find(manifests, 'ExternalSecret', `${service}-secrets`)).target.name).toBe(`${service}-secrets`);
    }
    expect(manifests.filter((m) => m.kind === 'StatefulSet')).toEqual([]);
  });

  it('when the dev overlay is rendered, then PostgreSQL and RabbitMQ run in the cluster as one-replica StatefulSets', () => {
    const manifests = overlay('dev');
    for (const name of ['postgresql', 'rabbitmq']) {
      expect(spec(find(manifests, 'StatefulSet', name)).replicas).toBe(1);
      expect(find(manifests, 'Service', name).metadata.namespace).toBe('ordering');
    }
    expect(manifests.filter((m) => m.kind === 'ExternalSecret')).toEqual([]);
  });

  it('when the kustomizations are read, then none applies the chaos drill', () => {
    const kustomizations = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? kustomizations(path.join(dir, entry.name))
          : entry.name === 'kustomization.yaml'
            ? [path.join(dir, entry.name)]
            : [],
      );
    const files = kustomizations(path.join(repoRoot, 'deploy'));
    expect(files.length).toBeGreaterThan(6);
    for (const file of files) {
      const kustomization = parse(readFileSync(file, 'utf8')) as {
        resources?: string[];
        components?: string[];
        patches?: { path?: string }[];
      };
      const referenced = [
        ...(kustomization.resources ?? []),
        ...(kustomization.components ?? []),
        ...(kustomization.patches ?? []).map((p) => p.path ?? ''),
      ];
      expect(referenced.filter((entry) => /chaos|fault-injection/.test(entry))).toEqual([]);
    }
    for (const name of OVERLAYS) expect(overlay(name).filter((m) => m.metadata.name === 'account-fault-injection')).toEqual([]);
  });
});

describe('Argo CD applications', () => {
  const applications = (): Manifest[] => renderKustomization(path.join(repoRoot, 'deploy/argocd')).filter((m) => m.kind === 'Application');

  it(
    'when every Application is read, then its path exists, renders and validates',
    () => {
      const apps = applications();
      expect(apps.map((app) => app.metadata.name).sort()).toEqual(['ordering-dev', 'ordering-prod']);
      for (const app of apps) {
        const source = spec(app).source as { path: string };
        expect(existsSync(path.join(repoRoot, source.path, 'kustomization.yaml'))).toBe(true);
        const manifests = renderKustomization(path.join(repoRoot, source.path));
        expect(validateManifests(manifests)).toEqual([]);
        expect(spec(app).project).toBe('ordering');
      }
    },
    SLOW,
  );

  it('when the sync policies are read, then dev syncs itself with prune and self-heal and prod waits for a person', () => {
    const apps = applications();
    expect(spec(find(apps, 'Application', 'ordering-dev')).syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(spec(find(apps, 'Application', 'ordering-prod')).syncPolicy.automated).toBeUndefined();
  });

  it('when the overlays are rendered, then the AppProject permits every kind they contain', () => {
    const project = find(renderKustomization(path.join(repoRoot, 'deploy/argocd')), 'AppProject', 'ordering');
    const permitted = [...spec(project).clusterResourceWhitelist, ...spec(project).namespaceResourceWhitelist].map(
      (entry: { group: string; kind: string }) => `${entry.group}/${entry.kind}`,
    );
    for (const name of OVERLAYS) {
      for (const manifest of overlay(name)) {
        const group = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/')[0] : '';
        expect(permitted, `${name}: ${manifest.apiVersion} ${manifest.kind}`).toContain(`${group}/${manifest.kind}`);
      }
    }
  });

  it('when argocd-cm is read, then the Istio and external-secrets kinds have health checks', () => {
    const [configMap] = readManifests('deploy/argocd/argocd-cm-health-checks.yaml');
    const keys = Object.keys(configMap!['data'] as object);
    for (const kind of [
      'networking.istio.io_VirtualService',
      'networking.istio.io_DestinationRule',
      'security.istio.io_AuthorizationPolicy',
      'external-secrets.io_ExternalSecret',
    ]) {
      expect(keys).toContain(`resource.customizations.health.${kind}`);
    }
  });
});
