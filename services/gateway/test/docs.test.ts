import { beforeEach, describe, expect, it } from 'vitest';
import { anOpenApiDocument } from './builders.js';
import { useGatewayPerTest } from './support/use-gateway.js';

const gateway = useGatewayPerTest();

beforeEach(() => {
  gateway.upstreams.customer.openapi = anOpenApiDocument({
    publicPath: '/api/customers/me',
    internalPath: '/internal/messages',
    schemaName: 'Customer',
    tag: 'customers',
  });
  gateway.upstreams.order.openapi = anOpenApiDocument({
    publicPath: '/api/menu',
    internalPath: '/internal/commands',
    schemaName: 'MenuItem',
    tag: 'menu',
  });
});

const giveTheRestEmptyDocuments = () => {
  gateway.upstreams.account.openapi = { openapi: '3.1.0', info: { title: 'a', version: '1' }, paths: {} };
  gateway.upstreams.orchestrator.openapi = { openapi: '3.1.0', info: { title: 'o', version: '1' }, paths: {} };
};

describe('API reference', () => {
  it('when /docs/json is fetched, then it is one OpenAPI document with every service /api path and schema, and no internal path', async () => {
    giveTheRestEmptyDocuments();

    const response = await gateway.app.inject({ method: 'GET', url: '/docs/json' });

    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('Ordering API');
    expect(Object.keys(document.paths).sort()).toEqual(['/api/admin/system', '/api/customers/me', '/api/menu']);
    expect(Object.keys(document.components.schemas).sort()).toEqual(['Customer', 'MenuItem']);
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.tags.map((tag: { name: string }) => tag.name)).toEqual(['customers', 'menu']);
  });

  it('when a service is down, then the others are served and the document is rebuilt once it is back', async () => {
    // account and orchestrator answer 503 on /docs/json for now.
    const partial = (await gateway.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(partial.paths).sort()).toEqual(['/api/admin/system', '/api/customers/me', '/api/menu']);

    gateway.upstreams.account.openapi = anOpenApiDocument({
      publicPath: '/api/accounts/me',
      internalPath: '/internal/x',
      schemaName: 'Account',
      tag: 'accounts',
    });
    gateway.upstreams.orchestrator.openapi = { openapi: '3.1.0', info: { title: 'o', version: '1' }, paths: {} };
    const complete = (await gateway.app.inject({ method: 'GET', url: '/docs/json' })).json();

    expect(Object.keys(complete.paths).sort()).toEqual(['/api/accounts/me', '/api/admin/system', '/api/customers/me', '/api/menu']);
  });

  it('when every service contributed once, then the document is cached and services are not asked again', async () => {
    giveTheRestEmptyDocuments();
    await gateway.app.inject({ method: 'GET', url: '/docs/json' });
    gateway.upstreams.order.openapi = undefined;

    const again = (await gateway.app.inject({ method: 'GET', url: '/docs/json' })).json();

    expect(Object.keys(again.paths)).toContain('/api/menu');
  });

  it('when /docs is opened, then the browsable reference page loads its assets', async () => {
    const page = await gateway.app.inject({ method: 'GET', url: '/docs' });
    const initializer = await gateway.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    const bundle = await gateway.app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });

    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('swagger-ui');
    expect(initializer.statusCode).toBe(200);
    expect(initializer.body).toContain("resolveUrl('./json')");
    expect(bundle.statusCode).toBe(200);
  });

  it('when /docs/yaml is fetched, then it is the same merged document as YAML', async () => {
    giveTheRestEmptyDocuments();

    const response = await gateway.app.inject({ method: 'GET', url: '/docs/yaml' });

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('title: Ordering API');
    expect(response.body).toContain('/api/menu');
  });
});
