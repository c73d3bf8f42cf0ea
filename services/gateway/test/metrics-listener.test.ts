import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '@ordering/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway } from './support/gateway-harness.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface GatewayProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stderr: string }>;
}

/** The gateway exactly as deployed: its own process, from main.ts. */
const spawnGateway = (env: Record<string, string>): GatewayProcess => {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'services/gateway/src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', METRICS_HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
  return { child, exited };
};

const running: GatewayProcess[] = [];
afterEach(async () => {
  for (const gateway of running.splice(0)) {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
    await gateway.exited;
  }
});

const statusOf = async (url: string): Promise<number | string> => {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    return String((error as Error).cause ?? error);
  }
};

describe('the gateway metrics listener', () => {
  it('when /metrics is asked on the public port, then it is a 404 like any route outside the table', async () => {
    const gateway = await startGateway();
    try {
      const response = await gateway.app.inject({ method: 'GET', url: '/metrics' });

      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).not.toContain('http_server_request_duration_seconds');
    } finally {
      await gateway.close();
    }
  });

  it('when the gateway process runs, then METRICS_PORT serves /metrics, the public port does not, and SIGTERM closes both', async () => {
    const [port, metricsPort] = [await findFreePort(), await findFreePort()];
    const gateway = spawnGateway({ PORT: String(port), METRICS_PORT: String(metricsPort) });
    running.push(gateway);
    const publicUrl = `http://127.0.0.1:${port}`;
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    await expect.poll(() => statusOf(`${metricsUrl}/metrics`), { timeout: 60_000, interval: 200 }).toBe(200);
    await expect.poll(() => statusOf(`${publicUrl}/healthz`), { timeout: 60_000, interval: 200 }).toBe(200);

    const onPublic = await fetch(`${publicUrl}/metrics`);
    const scraped = await fetch(`${metricsUrl}/metrics`);

    expect(onPublic.status).toBe(404);
    expect(await onPublic.text()).not.toContain('http_server_request_duration_seconds');
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain\b/);
    const text = await scraped.text();
    expect(text).toMatch(/^http_server_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*\} [1-9]/m);
    expect(text).toContain('service="gateway"');
    expect((await fetch(`${metricsUrl}/api/menu`)).status).toBe(404);

    gateway.child.kill('SIGTERM');
    const { code } = await gateway.exited;
    expect(code).toBe(0);
    expect(await statusOf(`${publicUrl}/healthz`)).toMatch(/ECONNREFUSED/);
    expect(await statusOf(`${metricsUrl}/metrics`)).toMatch(/ECONNREFUSED/);
  }, 90_000);

  it.each([['0'], ['65536'], ['ninety']])(
    'when METRICS_PORT is %s, then the gateway stops before listening with exit 78 and one line',
    async (value) => {
      const gateway = spawnGateway({ PORT: String(await findFreePort()), METRICS_PORT: value });
      running.push(gateway);

      const { code, stderr } = await gateway.exited;

      expect(code).toBe(78);
      expect(stderr).toMatch(new RegExp(`^gateway: config error: METRICS_PORT="${value}" is invalid: [^\\n]+\\n$`));
    },
    90_000,
  );
});
