import type { Workspace } from './workspace-graph.js';

/** Files that go into every image: a change to one rebuilds every service. */
const AFFECTS_ALL = [/^Dockerfile$/, /^\.dockerignore$/, /^package\.json$/, /^package-lock\.json$/, /^tsconfig(\.[\w-]+)?\.json$/];

/** Documentation never changes an image. */
const isDocumentation = (file: string): boolean => file.startsWith('docs/') || file.endsWith('.md');

/** A service is a workspace under services/; its short name is the directory name. */
const serviceName = (workspace: Workspace): string | undefined =>
  workspace.dir.startsWith('services/') ? workspace.dir.slice('services/'.length) : undefined;

/** The workspace names that depend on `name`, directly or through other workspaces, and `name` itself. */
const dependentsOf = (name: string, workspaces: Workspace[]): Set<string> => {
  const found = new Set([name]);
  for (let grew = true; grew;) {
    grew = false;
    for (const workspace of workspaces) {
      if (!found.has(workspace.name) && workspace.dependsOn.some((dependency) => found.has(dependency))) {
        found.add(workspace.name);
        grew = true;
      }
    }
  }
  return found;
};

/**
 * The services (short names, sorted) whose image a change to these repo-relative files affects: a service's own
 * files; a workspace every service that depends on it at run time, transitively; the shared build inputs all;
 * documentation and everything else (deploy/, CI configs, end-to-end tests) none.
 */
export const affectedServices = (changedFiles: string[], workspaces: Workspace[]): string[] => {
  const services = workspaces.flatMap((workspace) => serviceName(workspace) ?? []);
  const affected = new Set<string>();
  for (const file of changedFiles) {
    if (isDocumentation(file)) continue;
    if (AFFECTS_ALL.some((pattern) => pattern.test(file))) return [...services].sort();
    const owner = workspaces.find((workspace) => file.startsWith(`${workspace.dir}/`));
    if (!owner) continue;
    const dependents = dependentsOf(owner.name, workspaces);
    for (const workspace of workspaces) {
      const service = serviceName(workspace);
      if (service && dependents.has(workspace.name)) affected.add(service);
    }
  }
  return [...affected].sort();
};
