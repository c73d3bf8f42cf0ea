import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useGateway } from './support/use-gateway.js';

const INDEX_HTML = '<!doctype html><title>Console</title><script type="module" src="/console/assets/index-abc123.js"></script>';
const ASSET_JS = 'console.log("the console");';

const builtConsole = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), ASSET_JS);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
};

const consoleDir = builtConsole();
afterAll(() => rmSync(consoleDir, { recursive: true, force: true }));

const expectSecurityHeaders = (headers: Record<string, unknown>): void => {
  expect(headers['content-security-policy']).toBe(
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  );
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
};

describe('the console, when it is built', () => {
  const gateway = useGateway({ env: { CONSOLE_DIR: consoleDir } });

  it('when /console/ is opened, then index.html is served without a token, revalidated every time, under strict security headers', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/console/' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toBe(INDEX_HTML);
    expect(response.headers['cache-control']).toBe('no-cache');
    expectSecurityHeaders(response.headers);
  });

  it('when a hashed asset is fetched, then it is served with its type and cached for a year as immutable', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/console/assets/index-abc123.js' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('javascript');
    expect(response.body).toBe(ASSET_JS);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(response.headers);
  });

  it('when an unhashed file at the top is fetched, then it is served and revalidated', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/console/favicon.svg' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('when a history route of the console is opened, then index.html is served so the app can route it', async () => {
    for (const url of ['/console/sagas/6f1c9b8e-2f55-4b8e-9d0a-1c2b3d4e5f60', '/console/dead-letters', '/console/system?x=1']) {
      const response = await gateway.app.inject({ method: 'GET', url });

      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toBe(INDEX_HTML);
      expect(response.headers['cache-control'], url).toBe('no-cache');
      expectSecurityHeaders(response.headers);
    }
  });

  it('when a missing asset is fetched, then it is a 404 problem, not index.html', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/console/assets/index-old999.js' });

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expectSecurityHeaders(response.headers);
  });

  it('when a path tries to leave the console directory, then nothing outside it is served', async () => {
    for (const url of ['/console/../package.json', '/console/%2e%2e/%2e%2e/package.json', '/console/assets/..%2f..%2fpackage.json']) {
      const response = await gateway.app.inject({ method: 'GET', url });

      expect(response.body, url).not.toContain('@ordering');
    }
  });

  it('when /console is opened without the slash, then it redirects to /console/', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/console' });

    expect(response.statusCode).toBe(301);
    expect(response.headers.location).toBe('/console/');
  });

  it('when a console path is posted to, then it is a 404 (the fallback is for GET only)', async () => {
    const response = await gateway.app.inject({ method: 'POST', url: '/console/sagas', payload: {} });

    expect(response.statusCode).toBe(404);
  });

  it('when the console is served, then the gateway still forwards its API routes and answers its own', async () => {
    const menu = await gateway.app.inject({ method: 'GET', url: '/api/menu' });
    const health = await gateway.app.inject({ method: 'GET', url: '/healthz' });
    const unknown = await gateway.app.inject({ method: 'GET', url: '/consoles' });

    expect(menu.statusCode).toBe(200);
    expect(gateway.upstreams.order.received.map((request) => request.url)).toEqual(['/api/menu']);
    expect(menu.headers['content-security-policy']).toBeUndefined();
    expect(health.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(404);
  });
});

describe('the console, when it is not built', () => {
  const gateway = useGateway({ env: { CONSOLE_DIR: join(consoleDir, 'not-there') } });

  it('when /console/ or a history route is opened, then it is a 503 problem saying how to build it, and the gateway runs', async () => {
    for (const url of ['/console/', '/console/sagas/x']) {
      const response = await gateway.app.inject({ method: 'GET', url });

      expect(response.statusCode, url).toBe(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: 503, detail: 'the console is not built: run npm run build' });
    }
    expect((await gateway.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
