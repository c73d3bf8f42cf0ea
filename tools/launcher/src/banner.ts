import { SERVICE_NAMES, type LauncherConfig } from './launcher-config.js';
import { PROMETHEUS_INSTALL_HINT } from './prometheus-process.js';
import type { ProcessSpec } from './service-plan.js';

export const redactPassword = (url: string): string => {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
};

/** The broker's namespace is worth a line only when it is not the default every service would otherwise use. */
const transportOf = (config: LauncherConfig): string => {
  if (config.brokerUrl === undefined) return 'HTTP push between services';
  const namespace = config.forwardedEnv['BROKER_NAMESPACE'];
  return `RabbitMQ ${redactPassword(config.brokerUrl)}${namespace === undefined ? '' : ` (namespace ${namespace})`}`;
};

/** With `--observe`: where Prometheus is, or how to get it. */
const prometheusLines = (config: LauncherConfig, prometheusUrl: string | undefined): string[] => {
  if (!config.observe) return [];
  if (prometheusUrl === undefined) return [`  prometheus     not running: install it with \`${PROMETHEUS_INSTALL_HINT}\``];
  return [`  prometheus     ${prometheusUrl} (scrapes every process every ${config.prometheusIntervalSeconds} s)`];
};

/**
 * What a newcomer needs once everything answers /readyz. The last line is exactly `ready: <gateway URL>`: tests and
 * scripts wait for it.
 */
export const formatBanner = (
  config: LauncherConfig,
  specs: readonly ProcessSpec[],
  databaseServerUrl: string,
  stateFile: string,
  prometheusUrl?: string,
): string[] => {
  const gatewayUrl = `http://127.0.0.1:${config.gatewayPort}`;
  const urlsOf = (service: string): string =>
    specs
      .filter((spec) => spec.service === service)
      .map((spec) => spec.url)
      .join(', ');
  const database =
    config.postgresUrl === undefined ? `${databaseServerUrl} (embedded, data in ${config.dataDir})` : redactPassword(databaseServerUrl);
  const adminPassword = config.adminCredentialsAreDefaults ? config.adminPassword : '(the value of ADMIN_PASSWORD)';
  const defaultsHint = config.adminCredentialsAreDefaults
    ? '  <- development defaults: set ADMIN_EMAIL and ADMIN_PASSWORD for anything shared'
    : '';
  return [
    '',
    `  gateway        ${gatewayUrl}`,
    ...SERVICE_NAMES.map((service) => `  ${service.padEnd(14)} ${urlsOf(service)}`),
    `  postgres       ${database}`,
    `  transport      ${transportOf(config)}`,
    `  API docs       http://localhost:${config.gatewayPort}/docs`,
    `  console        http://localhost:${config.gatewayPort}/console/ (sign in as the admin below)`,
    `  metrics        http://127.0.0.1:${config.gatewayMetricsPort}/metrics (gateway; each service on its own port)`,
    ...prometheusLines(config, prometheusUrl),
    `  admin          ${config.adminEmail} / ${adminPassword}${defaultsHint}`,
    `  state file     ${stateFile}`,
    '',
    `ready: ${gatewayUrl}`,
  ];
};
