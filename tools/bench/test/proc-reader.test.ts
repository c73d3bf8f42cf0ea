import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { childrenOf, listeningPid, processTree, readCpuTimes, readRssBytes } from '../src/proc-reader.js';
import { parseQueryCount } from '../src/resource-usage.js';

const busy = (ms: number): void => {
  const until = Date.now() + ms;
  while (Date.now() < until) Math.sqrt(Math.random());
};

describe('reading /proc', () => {
  it('when this process burns CPU, then its utime+stime grows and its RSS is read', () => {
    const before = readCpuTimes(process.pid);
    busy(150);
    const after = readCpuTimes(process.pid);
    expect(after?.ownMs ?? 0).toBeGreaterThan(before?.ownMs ?? Number.POSITIVE_INFINITY);
    expect(readRssBytes(process.pid)).toBeGreaterThan(10 * 2 ** 20);
    expect(readCpuTimes(2 ** 30)).toBeUndefined();
  });

  it('when a child runs, then it is among the process tree, and gone from it after it exits', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid ?? 0;
    try {
      expect(childrenOf(process.pid)).toContain(pid);
      expect(processTree(process.pid)).toEqual(expect.arrayContaining([process.pid, pid]));
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    expect(processTree(process.pid)).not.toContain(pid);
  });

  it('when this process listens on a port, then the port owner found through /proc/net/tcp is this process', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      if (typeof address !== 'object' || address === null) throw new Error('no port');
      expect(listeningPid(address.port)).toBe(process.pid);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the statement counter', () => {
  it('when a metrics page is read, then every series of db_client_queries_total is added and other metrics are not', () => {
    const page = [
      '# HELP db_client_queries_total Statements this process sent to PostgreSQL',
      '# TYPE db_client_queries_total counter',
      'db_client_queries_total 120',
      'db_client_queries_total{pool="listen"} 3',
      'db_client_queries_total_created 1700000000',
      'saga_duration_seconds_count{type="checkout"} 7',
    ].join('\n');
    expect(parseQueryCount(page)).toBe(123);
    expect(parseQueryCount('up 1\n')).toBe(0);
  });
});
