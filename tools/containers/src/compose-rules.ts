import { SYSTEM_SERVICES } from '@ordering/contracts';
import { parse } from 'yaml';

/** The services built from the monorepo's Dockerfile; their images carry a HEALTHCHECK. */
export const OWN_SERVICES = SYSTEM_SERVICES;

/** Names of variables that hold secrets: they may come only from an env file or a compose secret. */
const SECRET_NAME = /(PASSWORD|PASS|TOKEN|SECRET|_KEY|_KEYS)$/;
/** A URL with a password in it (`scheme://user:password@host`), unless the password is a `${...}` interpolation. */
const CREDENTIALS_IN_URL = /:\/\/[^\s/:@]+:(?!\$\{)[^\s/@]+@/;

interface ComposeService {
  build?: unknown;
  image?: string;
  environment?: Record<string, unknown> | string[];
  env_file?: string | string[];
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  read_only?: boolean;
  network_mode?: string;
  networks?: unknown;
  profiles?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** Parses a compose file as Compose does: YAML 1.1 merge keys (`<<: *anchor`) included. */
export const parseCompose = (content: string): ComposeFile => {
  const parsed = parse(content, { merge: true }) as Partial<ComposeFile> | null;
  if (parsed === null || typeof parsed.services !== 'object') throw new Error('a compose file has a services map');
  return { services: parsed.services };
};

const environmentEntries = (service: ComposeService): [string, string][] => {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return environment.map((entry) => {
      const [name = '', ...value] = entry.split('=');
      return [name, value.join('=')];
    });
  }
  return Object.entries(environment).map(([name, value]) => [name, value === null || value === undefined ? '' : String(value)]);
};

const dependencies = (service: ComposeService): [string, string | undefined][] => {
  const dependsOn = service.depends_on ?? {};
  return Array.isArray(dependsOn)
    ? dependsOn.map((name) => [name, undefined])
    : Object.entries(dependsOn).map(([name, { condition }]) => [name, condition]);
};

const hasHealthcheck = (name: string, service: ComposeService): boolean =>
  service.healthcheck !== undefined
    ? service.healthcheck.disable !== true && service.healthcheck.test !== undefined
    : (OWN_SERVICES as readonly string[]).includes(name);

/** The rules compose.yaml keeps; each problem is one line. */
export const findComposeViolations = (compose: ComposeFile): string[] => {
  const problems: string[] = [];
  const { services } = compose;
  for (const name of OWN_SERVICES) {
    const service = services[name];
    if (service === undefined) {
      problems.push(`${name}: missing`);
      continue;
    }
    if (service.read_only !== true) problems.push(`${name}: read_only: true is required (the image writes nothing outside /tmp)`);
    if (service.build === undefined) problems.push(`${name}: no build section (built from the monorepo's Dockerfile)`);
  }
  for (const [name, service] of Object.entries(services)) {
    for (const [dependency, condition] of dependencies(service)) {
      const target = services[dependency];
      if (target === undefined) problems.push(`${name}: depends on ${dependency}, which is not defined`);
      else if (condition !== 'service_healthy') problems.push(`${name}: depends_on ${dependency} must wait for condition: service_healthy`);
      else if (!hasHealthcheck(dependency, target))
        problems.push(`${name}: waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`);
    }
    // The whole stack starts healthy-gated; only the optional observability tools may go without a healthcheck.
    if (service.profiles === undefined && !hasHealthcheck(name, service)) problems.push(`${name}: no healthcheck`);
    for (const [variable, value] of environmentEntries(service)) {
      if (SECRET_NAME.test(variable)) problems.push(`${name}: ${variable} is a secret and must come from an env file, not from the YAML`);
      if (CREDENTIALS_IN_URL.test(value)) problems.push(`${name}: ${variable} has a password in it; put it in the env file`);
    }
  }
  return problems;
};

/** The env files a service reads (paths as written, interpolation included). */
export const envFiles = (service: ComposeService): string[] =>
  service.env_file === undefined ? [] : Array.isArray(service.env_file) ? service.env_file : [service.env_file];

/** CI rule: every container shares the host's network stack, so no container network or subnet is ever created. */
export const findNetworkViolations = (compose: ComposeFile): string[] =>
  Object.entries(compose.services).flatMap(([name, service]) => [
    ...(service.network_mode === 'host' ? [] : [`${name}: network_mode must be host`]),
    ...(service.networks === undefined ? [] : [`${name}: joins networks; host networking only`]),
  ]);
