import type { Manifest } from './kustomize.js';

/** Mesh identities outside the rendered manifests that the AuthorizationPolicies may name. */
export const EXTERNAL_PRINCIPALS = ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'];

type Labels = Record<string, string>;
type Data = Record<string, unknown>;

const at = (value: unknown, ...keys: (string | number)[]): unknown =>
  keys.reduce<unknown>((current, key) => (current !== null && typeof current === 'object' ? (current as Data)[key] : undefined), value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const labelsAt = (value: unknown, ...keys: string[]): Labels => (at(value, ...keys) as Labels | undefined) ?? {};
const name = (manifest: Manifest): string => `${manifest.kind}/${manifest.metadata.name}`;
const namespaceOf = (manifest: Manifest): string => manifest.metadata.namespace ?? 'default';

/** A label selector (matchLabels only, which is all these manifests use) selects a set of labels. */
const selects = (selector: Labels, labels: Labels): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);

const checkDeployment = (deployment: Manifest, all: Manifest[]): string[] => {
  const problems: string[] = [];
  const where = name(deployment);
  const pod = at(deployment, 'spec', 'template');
  const podLabels = labelsAt(pod, 'metadata', 'labels');
  const podSecurity = at(pod, 'spec', 'securityContext');
  for (const label of ['app', 'version']) {
    if (!deployment.metadata.labels?.[label] || !podLabels[label])
      problems.push(`${where}: label '${label}' missing on the workload or its pods`);
  }
  if (at(podSecurity, 'seccompProfile', 'type') !== 'RuntimeDefault') problems.push(`${where}: seccompProfile is not RuntimeDefault`);
  const containers = list(at(pod, 'spec', 'containers'));
  if (containers.length === 0) problems.push(`${where}: no containers`);
  for (const container of containers) {
    const c = `${where} container ${String(at(container, 'name'))}`;
    if (at(container, 'readinessProbe', 'httpGet', 'path') !== '/readyz') problems.push(`${c}: readiness probe is not GET /readyz`);
    if (at(container, 'livenessProbe', 'httpGet', 'path') !== '/healthz') problems.push(`${c}: liveness probe is not GET /healthz`);
    if (!at(container, 'startupProbe')) problems.push(`${c}: no startup probe`);
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (!at(container, 'resources', kind, resource)) problems.push(`${c}: no ${resource} ${kind}`);
      }
    }
    const security = at(container, 'securityContext');
    const runAsNonRoot = at(security, 'runAsNonRoot') ?? at(podSecurity, 'runAsNonRoot');
    const runAsUser = at(security, 'runAsUser') ?? at(podSecurity, 'runAsUser');
    if (runAsNonRoot !== true) problems.push(`${c}: runAsNonRoot is not true`);
    if (typeof runAsUser !== 'number' || runAsUser === 0) problems.push(`${c}: runs without a non-zero runAsUser`);
    if (at(security, 'readOnlyRootFilesystem') !== true) problems.push(`${c}: root filesystem is writable`);
    if (at(security, 'allowPrivilegeEscalation') !== false) problems.push(`${c}: allowPrivilegeEscalation is not false`);
    if (!list(at(security, 'capabilities', 'drop')).includes('ALL')) problems.push(`${c}: capabilities do not drop ALL`);
    if (!at(container, 'lifecycle', 'preStop')) problems.push(`${c}: no preStop hook`);
  }
  const sameNamespace = all.filter((m) => namespaceOf(m) === namespaceOf(deployment));
  if (!sameNamespace.some((m) => m.kind === 'PodDisruptionBudget' && selects(labelsAt(m, 'spec', 'selector', 'matchLabels'), podLabels))) {
    problems.push(`${where}: no PodDisruptionBudget selects its pods`);
  }
  if (
    !sameNamespace.some(
      (m) =>
        m.kind === 'HorizontalPodAutoscaler' &&
        at(m, 'spec', 'scaleTargetRef', 'kind') === 'Deployment' &&
        at(m, 'spec', 'scaleTargetRef', 'name') === deployment.metadata.name,
    )
  ) {
    problems.push(`${where}: no HorizontalPodAutoscaler scales it`);
  }
  if (!sameNamespace.some((m) => m.kind === 'NetworkPolicy' && selects(labelsAt(m, 'spec', 'podSelector', 'matchLabels'), podLabels))) {
    problems.push(`${where}: no NetworkPolicy selects its pods`);
  }
  return problems;
};

/** A host name of the mesh resolves to a Service: `name`, `name.namespace`, or `name.namespace.svc.cluster.local`. */
const resolvesToService = (host: string, from: Manifest, services: Manifest[]): boolean => {
  const [serviceName, namespace = namespaceOf(from), ...rest] = host.split('.');
  const suffixOk = rest.length === 0 || rest.join('.') === 'svc.cluster.local' || rest.join('.') === 'svc';
  return suffixOk && services.some((s) => s.metadata.name === serviceName && namespaceOf(s) === namespace);
};

const checkMeshHosts = (manifest: Manifest, services: Manifest[]): string[] => {
  const hosts: string[] = [];
  if (manifest.kind === 'DestinationRule') hosts.push(String(at(manifest, 'spec', 'host')));
  if (manifest.kind === 'VirtualService') {
    // Hosts of a VirtualService bound to an ingress Gateway are public names; its destinations must still resolve.
    if (list(at(manifest, 'spec', 'gateways')).length === 0) hosts.push(...list(at(manifest, 'spec', 'hosts')).map(String));
    for (const route of [...list(at(manifest, 'spec', 'http')), ...list(at(manifest, 'spec', 'tcp'))]) {
      hosts.push(...list(at(route, 'route')).map((destination) => String(at(destination, 'destination', 'host'))));
    }
  }
  return hosts
    .filter((host) => !resolvesToService(host, manifest, services))
    .map((host) => `${name(manifest)}: host '${host}' is not a Service`);
};

const checkPrincipals = (policy: Manifest, serviceAccounts: Manifest[], externalPrincipals: string[]): string[] =>
  list(at(policy, 'spec', 'rules'))
    .flatMap((rule) => list(at(rule, 'from')).flatMap((from) => list(at(from, 'source', 'principals')).map(String)))
    .filter((principal) => {
      if (externalPrincipals.includes(principal)) return false;
      const match = /^cluster\.local\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
      return !match || !serviceAccounts.some((sa) => namespaceOf(sa) === match[1] && sa.metadata.name === match[2]);
    })
    .map((principal) => `${name(policy)}: principal '${principal}' is not a ServiceAccount of these manifests`);

/**
 * What a reviewer would otherwise check by eye in a rendered overlay: hardened, probed, limited Deployments with
 * a PodDisruptionBudget, an autoscaler and a NetworkPolicy each; an AuthorizationPolicy for every Service; mesh
 * hosts that resolve; principals that exist; STRICT mTLS.
 */
export const findPolicyViolations = (manifests: Manifest[], externalPrincipals: string[] = EXTERNAL_PRINCIPALS): string[] => {
  const services = manifests.filter((m) => m.kind === 'Service');
  const serviceAccounts = manifests.filter((m) => m.kind === 'ServiceAccount');
  const authorizationPolicies = manifests.filter((m) => m.kind === 'AuthorizationPolicy');
  const problems: string[] = [];
  for (const manifest of manifests) {
    if (manifest.kind === 'Deployment') problems.push(...checkDeployment(manifest, manifests));
    if (manifest.kind === 'StatefulSet') {
      for (const label of ['app', 'version']) {
        if (!labelsAt(manifest, 'spec', 'template', 'metadata', 'labels')[label])
          problems.push(`${name(manifest)}: label '${label}' missing on its pods`);
      }
    }
    if (manifest.kind === 'Service') {
      const selector = labelsAt(manifest, 'spec', 'selector');
      const covered = authorizationPolicies.some(
        (policy) => namespaceOf(policy) === namespaceOf(manifest) && selects(labelsAt(policy, 'spec', 'selector', 'matchLabels'), selector),
      );
      if (!covered) problems.push(`${name(manifest)}: no AuthorizationPolicy selects its pods`);
    }
    if (manifest.kind === 'VirtualService' || manifest.kind === 'DestinationRule') problems.push(...checkMeshHosts(manifest, services));
    if (manifest.kind === 'AuthorizationPolicy') problems.push(...checkPrincipals(manifest, serviceAccounts, externalPrincipals));
  }
  const namespaces = new Set(manifests.filter((m) => m.kind === 'Deployment').map(namespaceOf));
  for (const namespace of namespaces) {
    const strict = manifests.some(
      (m) =>
        m.kind === 'PeerAuthentication' &&
        namespaceOf(m) === namespace &&
        !at(m, 'spec', 'selector') &&
        at(m, 'spec', 'mtls', 'mode') === 'STRICT',
    );
    if (!strict) problems.push(`namespace ${namespace}: no namespace-wide STRICT PeerAuthentication`);
  }
  return problems;
};
