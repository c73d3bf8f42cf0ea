import { peerUrlVariable, replicaPort } from '@ordering/contracts';
import { DEFAULT_ADMIN_PASSWORD, SERVICE_NAMES, type LauncherConfig, type ServiceName } from './launcher-config.js';
import type { MessageKeys } from './message-keys.js';

export type ProcessKind = ServiceName | 'gateway';

/** Everything needed to start one OS process of one service replica. */
export interface ProcessSpec {
  /** `customer` for replica 0, `customer#1` for replica 1: the log prefix and the name in the state file. */
  readonly name: string;
  readonly service: ProcessKind;
  readonly replica: number;
  readonly port: number;
  readonly url: string;
  /** Relative to the repository root. */
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
}

/** What the launcher keeps in DATA_DIR or was given: the services need them but never see the launcher's environment. */
export interface ServiceSecrets {
  readonly operatorToken: string;
  readonly signingKeyEncryptionKey: string;
  /** Each service's own message signing key; every service gets every public key. */
  readonly messageKeys: Readonly<Record<ServiceName, MessageKeys>>;
}

const HOST = '127.0.0.1';

export const databaseName = (config: Pick<LauncherConfig, 'databasePrefix'>, service: ServiceName): string =>
  `${config.databasePrefix}${service}`;

const baseUrl = (port: number): string => `http://${HOST}:${port}`;

const replicaPorts = (config: LauncherConfig, service: ServiceName): number[] =>
  Array.from({ length: config.replicas }, (_, replica) => replicaPort(config.servicePorts[service], replica));

const replicaName = (service: ServiceName, replica: number): string => (replica === 0 ? service : `${service}#${replica}`);

/** Which process will listen where, before anything (databases included) exists. */
export const plannedPorts = (config: LauncherConfig): Array<{ owner: string; port: number }> => [
  ...SERVICE_NAMES.flatMap((service) =>
    replicaPorts(config, service).map((port, replica) => ({ owner: replicaName(service, replica), port })),
  ),
  { owner: 'gateway', port: config.gatewayPort },
  { owner: 'gateway metrics', port: config.gatewayMetricsPort },
  ...(config.observe ? [{ owner: 'prometheus', port: config.prometheusPort }] : []),
];

/**
 * libuv's pool runs scrypt (and DNS lookups, file and zlib work). Its default of 4 threads would be held by the
 * customer service's password hashes (PASSWORD_HASH_CONCURRENCY, default 2) plus a burst of anything else; 8 keeps
 * room for the pool's other users. Containers set the same (see services/customer/README.md).
 */
const CUSTOMER_THREADPOOL_SIZE = '8';

/** OWASP's minimum scrypt cost (N = 2^17), the customer service's default; below it only with the development switch. */
const MINIMUM_PASSWORD_HASH_COST_LOG2 = 17;

/**
 * The customer service needs the development switch for two things only, every secret being given anyway: the
 * built-in admin password on a laptop (embedded mode), and password hashes cheaper than OWASP's minimum, which test
 * suites and the bench ask for with PASSWORD_HASH_COST_LOG2 so that registering hundreds of customers stays quick.
 */
const customerNeedsDevelopmentSwitch = (config: LauncherConfig): boolean =>
  (config.developmentMode && config.adminPassword === DEFAULT_ADMIN_PASSWORD) ||
  Number(config.forwardedEnv['PASSWORD_HASH_COST_LOG2'] ?? MINIMUM_PASSWORD_HASH_COST_LOG2) < MINIMUM_PASSWORD_HASH_COST_LOG2;

/** Only the customer service signs tokens, hashes passwords and bootstraps the admin. */
const customerEnv = (config: LauncherConfig, secrets: ServiceSecrets): Record<string, string> => ({
  UV_THREADPOOL_SIZE: CUSTOMER_THREADPOOL_SIZE,
  ADMIN_EMAIL: config.adminEmail,
  ADMIN_PASSWORD: config.adminPassword,
  SIGNING_KEY_ENCRYPTION_KEY: secrets.signingKeyEncryptionKey,
  ...(customerNeedsDevelopmentSwitch(config) ? { UNSAFE_DEVELOPMENT_MODE: 'true' } : {}),
});

const publicKeysOf = (secrets: ServiceSecrets): string =>
  SERVICE_NAMES.map((service) => `${service}=${secrets.messageKeys[service].publicKey}`).join(',');

/**
 * Every replica of every service (in SERVICE_NAMES order), then the single gateway. Services get their own database
 * URL, the URLs of every peer replica, their own message signing key, every service's public key and the operator
 * token; only the customer service gets the admin credentials and the signing key encryption key. The gateway gets
 * none of them: it has no internal routes and never calls the services' ones; only the gateway gets REDIS_URL (its
 * rate-limit counts) and its metrics port.
 */
export const planProcesses = (
  config: LauncherConfig,
  databaseUrls: Readonly<Record<ServiceName, string>>,
  secrets: ServiceSecrets,
): ProcessSpec[] => {
  const peerUrls = Object.fromEntries(
    SERVICE_NAMES.map((service) => [peerUrlVariable(service), replicaPorts(config, service).map(baseUrl).join(',')]),
  );
  const sharedEnv = {
    ...config.inheritedEnv,
    ...config.forwardedEnv,
    HOST,
    LOG_LEVEL: config.logLevel,
    JWKS_URL: `${baseUrl(config.servicePorts.customer)}/.well-known/jwks.json`,
    ...peerUrls,
    ...(config.brokerUrl !== undefined ? { BROKER_URL: config.brokerUrl } : {}),
  };
  const publicKeys = publicKeysOf(secrets);
  const entryOf = (service: ProcessKind): string => config.serviceEntryOverride ?? `services/${service}/src/main.ts`;

  const services = SERVICE_NAMES.flatMap((service) =>
    replicaPorts(config, service).map((port, replica): ProcessSpec => ({
      name: replicaName(service, replica),
      service,
      replica,
      port,
      url: baseUrl(port),
      entry: entryOf(service),
      env: {
        ...sharedEnv,
        SERVICE_NAME: service,
        PORT: String(port),
        DATABASE_URL: databaseUrls[service],
        MESSAGE_SIGNING_KEY: secrets.messageKeys[service].signingKey,
        MESSAGE_PUBLIC_KEYS: publicKeys,
        OPERATOR_TOKEN: secrets.operatorToken,
        ...(service === 'customer' ? customerEnv(config, secrets) : {}),
      },
    })),
  );

  const gateway: ProcessSpec = {
    name: 'gateway',
    service: 'gateway',
    replica: 0,
    port: config.gatewayPort,
    url: baseUrl(config.gatewayPort),
    entry: entryOf('gateway'),
    env: {
      ...sharedEnv,
      SERVICE_NAME: 'gateway',
      PORT: String(config.gatewayPort),
      METRICS_PORT: String(config.gatewayMetricsPort),
      METRICS_HOST: HOST,
      ...(config.redisUrl !== undefined ? { REDIS_URL: config.redisUrl } : {}),
    },
  };

  return [...services, gateway];
};
