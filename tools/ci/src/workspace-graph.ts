import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One npm workspace: where it lives and which workspaces it depends on at run time. */
export interface Workspace {
  /** Repo-relative directory, forward slashes, e.g. packages/platform */
  dir: string;
  name: string;
  /** Names of the other workspaces in its `dependencies` (what ships in an image; devDependencies do not). */
  dependsOn: string[];
  /** Names of the other workspaces in its `devDependencies` (its tests' helpers). */
  devDependsOn: string[];
}

interface PackageJson {
  name?: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readPackageJson = (file: string): PackageJson => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;

/** The workspaces of the repository at `root`, from the root package.json's `workspaces` (only `dir/*` globs). */
export const readWorkspaces = (root: string): Workspace[] => {
  const globs = readPackageJson(path.join(root, 'package.json')).workspaces ?? [];
  const dirs = globs.flatMap((glob) => {
    if (!glob.endsWith('/*')) throw new Error(`unsupported workspaces glob '${glob}': only 'dir/*' is understood`);
    const parent = glob.slice(0, -2);
    if (!existsSync(path.join(root, parent))) return [];
    return readdirSync(path.join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(root, parent, entry.name, 'package.json')))
      .map((entry) => `${parent}/${entry.name}`);
  });
  const manifests = dirs.map((dir) => ({ dir, manifest: readPackageJson(path.join(root, dir, 'package.json')) }));
  const names = new Set(manifests.map(({ manifest }) => manifest.name));
  const workspacesIn = (dependencies: Record<string, string> = {}): string[] =>
    Object.keys(dependencies).filter((dependency) => names.has(dependency));
  return manifests.map(({ dir, manifest }) => ({
    dir,
    name: manifest.name ?? dir,
    dependsOn: workspacesIn(manifest.dependencies),
    devDependsOn: workspacesIn(manifest.devDependencies),
  }));
};
