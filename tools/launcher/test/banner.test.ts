import { describe, expect, it } from 'vitest';
import { formatBanner } from '../src/banner.js';
import type { LauncherConfig } from '../src/launcher-config.js';
import { aLauncherConfig } from './builders.js';

const transportLine = (config: LauncherConfig): string | undefined =>
  formatBanner(config, [], 'postgres://postgres@127.0.0.1:5432', '/repo/.data/launcher-state.json').find((line) =>
    line.includes('transport'),
  );

describe('formatBanner', () => {
  it('when no broker is configured, then the transport line says HTTP push', () => {
    expect(transportLine(aLauncherConfig({}))).toBe('  transport      HTTP push between services');
  });

  it('when a broker and a namespace are configured, then the line names both, without the password', () => {
    const line = transportLine(aLauncherConfig({ BROKER_URL: 'amqp://guest:secret@rabbit:5672', BROKER_NAMESPACE: 'bench_1' }));

    expect(line).toBe('  transport      RabbitMQ amqp://guest:***@rabbit:5672 (namespace bench_1)');
  });

  it('when the banner is printed, then it says where the admin console is', () => {
    const lines = formatBanner(aLauncherConfig({ GATEWAY_PORT: '18080' }), [], 'postgres://x', 'state');

    expect(lines).toContain('  console        http://localhost:18080/console/ (sign in as the admin below)');
  });

  it('when the banner is printed, then it says where the gateway metrics are scraped', () => {
    const lines = formatBanner(aLauncherConfig({ GATEWAY_METRICS_PORT: '9190' }), [], 'postgres://x', 'state');

    expect(lines).toContain('  metrics        http://127.0.0.1:9190/metrics (gateway; each service on its own port)');
  });

  it('when --observe started Prometheus, then the banner prints its URL and interval before the ready line', () => {
    const lines = formatBanner(
      aLauncherConfig({ PROMETHEUS_INTERVAL_SECONDS: '5' }, ['--observe']),
      [],
      'postgres://x',
      'state',
      'http://127.0.0.1:9095',
    );

    expect(lines).toContain('  prometheus     http://127.0.0.1:9095 (scrapes every process every 5 s)');
    expect(lines.at(-1)).toBe('ready: http://127.0.0.1:8080');
  });

  it('when --observe found no Prometheus, then the banner says how to install it; without --observe it says nothing of it', () => {
    const observing = formatBanner(aLauncherConfig({}, ['--observe']), [], 'postgres://x', 'state');
    const plain = formatBanner(aLauncherConfig({}), [], 'postgres://x', 'state');

    expect(observing).toContain('  prometheus     not running: install it with `apt-get install prometheus`');
    expect(plain.filter((line) => line.includes('prometheus'))).toEqual([]);
  });

  it('when the banner is printed, then its last line is exactly the ready line that tools wait for', () => {
    expect(formatBanner(aLauncherConfig({ GATEWAY_PORT: '9080' }), [], 'postgres://x', 'state').at(-1)).toBe(
      'ready: http://127.0.0.1:9080',
    );
  });
});
