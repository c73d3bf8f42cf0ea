import { readdirSync } from 'node:fs';
import { runCommand } from './run-command.js';

/**
 * The CI machine's own PostgreSQL and RabbitMQ (README, "Production mode"), driven the way an operator would: rabbitmqctl and
 * pg_ctlcluster. Only the suites that run when TEST_DATABASE_URL / TEST_BROKER_URL are set use these.
 */

const run = async (command: string, args: readonly string[], timeoutMs = 120_000): Promise<string> => {
  const result = await runCommand(command, args, { timeoutMs });
  if (result.code !== 0)
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.code ?? result.signal}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  return result.stdout;
};

const rabbitmqctl = (...args: string[]): Promise<string> => run('rabbitmqctl', ['-q', ...args]);

export const testBrokerUrl = (): string | undefined => (process.env.TEST_BROKER_URL ? process.env.TEST_BROKER_URL : undefined);
export const testDatabaseUrl = (): string | undefined => (process.env.TEST_DATABASE_URL ? process.env.TEST_DATABASE_URL : undefined);
/** Set in CI's production pass: the gateway keeps its rate-limit counts in this Redis, as deployed. */
export const testRedisUrl = (): string | undefined => (process.env.TEST_REDIS_URL ? process.env.TEST_REDIS_URL : undefined);

/** Production mode: the system runs on the external PostgreSQL and RabbitMQ that CI provides. */
export const isProductionMode = (): boolean => testBrokerUrl() !== undefined && testDatabaseUrl() !== undefined;

/** The broker URL with its virtual host replaced: every system under test gets its own, so no queue is shared between runs. */
export const brokerUrlOnVhost = (brokerUrl: string, vhost: string): string => {
  const url = new URL(brokerUrl);
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return url.toString();
};

const userOf = (brokerUrl: string): string => decodeURIComponent(new URL(brokerUrl).username || 'guest');

export const createBrokerVhost = async (brokerUrl: string, vhost: string): Promise<void> => {
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, userOf(brokerUrl), '.*', '.*', '.*');
};

export const deleteBrokerVhost = async (vhost: string): Promise<void> => {
  await rabbitmqctl('delete_vhost', vhost);
};

/** Stops the RabbitMQ application (the Erlang node stays up), closing every client connection. */
export const stopBroker = (): Promise<string> => rabbitmqctl('stop_app');
export const startBroker = (): Promise<string> => rabbitmqctl('start_app');

/** The newest installed PostgreSQL major, the one .ci/run starts. */
const postgresVersion = (): string => {
  const versions = readdirSync('/etc/postgresql').sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  if (!newest) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  return newest;
};

/** A fast restart of the system PostgreSQL: every connection is dropped, the server is back a few seconds later. */
export const restartPostgres = (): Promise<string> =>
  run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'restart']);

/** CI sets CI=true; there a missing tool is a failure, not a reason to skip. */
export const isCi = (): boolean => Boolean(process.env.CI);
