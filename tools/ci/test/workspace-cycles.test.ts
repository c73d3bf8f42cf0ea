import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findWorkspaceCycles } from '../src/workspace-cycles.js';
import { readWorkspaces, type Workspace } from '../src/workspace-graph.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const workspace = (name: string, dependsOn: string[] = [], devDependsOn: string[] = []): Workspace => ({
  dir: `tools/${name}`,
  name,
  dependsOn,
  devDependsOn,
});

describe('cycles between workspaces', () => {
  it('when the repository is read, then no workspaces depend on each other in a cycle, dev dependencies included', () => {
    expect(findWorkspaceCycles(readWorkspaces(repoRoot))).toEqual([]);
  });

  it('when a dev dependency closes a loop through runtime dependencies, then its members are reported once', () => {
    const workspaces = [
      workspace('launcher', ['platform']),
      workspace('platform', ['contracts'], ['testing']),
      workspace('testing', ['launcher']),
      workspace('contracts'),
    ];
    expect(findWorkspaceCycles(workspaces)).toEqual([['launcher', 'platform', 'testing']]);
  });

  it("when two workspaces are each other's dependency, or one depends on itself, then each loop is reported", () => {
    const workspaces = [workspace('a', ['b']), workspace('b', [], ['a']), workspace('c', [], ['c']), workspace('d', ['a'])];
    expect(findWorkspaceCycles(workspaces)).toEqual([['a', 'b'], ['c']]);
  });

  it('when dependencies only point down, even through dev dependencies on a shared helper, then nothing is reported', () => {
    const workspaces = [
      workspace('database'),
      workspace('platform', [], ['database']),
      workspace('testing', ['platform', 'database']),
      workspace('saga', ['platform'], ['testing']),
    ];
    expect(findWorkspaceCycles(workspaces)).toEqual([]);
  });
});
