import type { Workspace } from './workspace-graph.js';

/**
 * The groups of workspaces that depend on each other in a cycle, dev dependencies included: a test helper that
 * depends on the package whose tests use it makes npm's workspace order and a build from scratch ambiguous. Each
 * group is its names, sorted (Tarjan's strongly connected components with more than one member, or a self-loop).
 */
export const findWorkspaceCycles = (workspaces: readonly Workspace[]): string[][] => {
  const edges = new Map(workspaces.map((workspace) => [workspace.name, [...workspace.dependsOn, ...workspace.devDependsOn]]));
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];

  const visit = (name: string): void => {
    index.set(name, index.size);
    lowLink.set(name, index.get(name) as number);
    stack.push(name);
    for (const next of edges.get(name) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(name, Math.min(lowLink.get(name) as number, lowLink.get(next) as number));
      } else if (stack.includes(next)) {
        lowLink.set(name, Math.min(lowLink.get(name) as number, index.get(next) as number));
      }
    }
    if (lowLink.get(name) !== index.get(name)) return;
    const group = stack.splice(stack.lastIndexOf(name));
    if (group.length > 1 || edges.get(name)?.includes(name)) cycles.push(group.sort());
  };

  for (const name of edges.keys()) if (!index.has(name)) visit(name);
  return cycles;
};
