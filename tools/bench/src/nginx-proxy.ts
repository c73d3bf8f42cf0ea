import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { anyFreePort } from '@ordering/launcher';

/**
 * nginx as a plain reverse proxy in front of one service: the cost of a well-known proxy hop, to compare the
 * gateway's with. One worker (the gateway is one Node process too), keep-alive to the upstream, no access log.
 */

export interface NginxProxy {
  readonly url: string;
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);

export const nginxAvailable = async (): Promise<boolean> =>
  execFileAsync('nginx', ['-v']).then(
    () => true,
    () => false,
  );

const configFor = (dir: string, port: number, upstream: URL): string => `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream service { server ${upstream.host}; keepalive 256; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://service;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }
}
`;

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Starts nginx as a foreground child on a free port; resolves once it accepts connections. */
export const startNginxProxy = async (upstreamUrl: string): Promise<NginxProxy> => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordering-bench-nginx-'));
  // As root nginx's worker runs as an unprivileged user, which must reach its temp paths.
  await chmod(dir, 0o755);
  const port = await anyFreePort();
  const conf = path.join(dir, 'nginx.conf');
  await writeFile(conf, configFor(dir, port, new URL(upstreamUrl)));
  const child = spawn('nginx', ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let attempt = 0; !(await accepts(port)); attempt += 1) {
    if (child.exitCode !== null || attempt > 100) {
      child.kill('SIGKILL');
      const log = await readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`nginx did not start: ${stderr}${log}`.trim());
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      // SIGQUIT: graceful shutdown of the master and its worker.
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
};
