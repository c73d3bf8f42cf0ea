import { loadLauncherConfig, type LauncherConfig } from '../src/launcher-config.js';

/** The launcher's configuration from these variables only, as if started in /repo; throws on a problem. */
export const aLauncherConfig = (env: Record<string, string>): LauncherConfig => {
  const result = loadLauncherConfig(env, [], '/repo');
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
};
