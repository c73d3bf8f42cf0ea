import { loadLauncherConfig, type LauncherConfig } from '../src/launcher-config.js';

const isProduction = (env: Record<string, string>): boolean =>
  Boolean(env['POSTGRES_URL'] || env['BROKER_URL'] || Number(env['REPLICAS'] ?? 1) > 1);

/**
 * The launcher's configuration from these variables only, as if started in /repo; throws on a problem. Production
 * mode refuses the built-in admin password, so a production environment gets one of its own unless it names one.
 */
export const aLauncherConfig = (env: Record<string, string>, argv: readonly string[] = []): LauncherConfig => {
  const withAdmin =
    isProduction(env) && env['ADMIN_PASSWORD'] === undefined ? { ...env, ADMIN_PASSWORD: 'a-production-admin-password' } : env;
  const result = loadLauncherConfig(withAdmin, argv, '/repo');
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
};
