import { describe, expect, it } from 'vitest';
import { mergeOpenApiDocuments } from '../src/domain/merge-openapi-documents.js';
import { anOpenApiDocument } from './builders.js';

const info = { title: 'Ordering API', description: 'test', version: '0.1.0' };

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe('mergeOpenApiDocuments', () => {
  it('when two services are merged, then only their /api/ paths are kept, with their schemas, tags and bearer scheme', () => {
    const merged = mergeOpenApiDocuments(
      [
        {
          service: 'customer',
          document: anOpenApiDocument({
            publicPath: '/api/customers/me',
            internalPath: '/internal/messages',
            schemaName: 'Customer',
            tag: 'customers',
          }),
        },
        {
          service: 'order',
          document: anOpenApiDocument({ publicPath: '/api/menu', internalPath: '/.well-known/x', schemaName: 'MenuItem', tag: 'menu' }),
        },
      ],
      info,
    );

    expect(merged.info).toEqual(info);
    expect(merged.openapi).toBe('3.1.0');
    expect(Object.keys(merged.paths)).toEqual(['/api/customers/me', '/api/menu']);
    expect(Object.keys(merged.components.schemas)).toEqual(['Customer', 'MenuItem']);
    expect(merged.components.securitySchemes).toEqual({ bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    expect(merged.tags).toEqual([{ name: 'customers' }, { name: 'menu' }]);
  });

  it('when nothing is available, then the result is still a valid empty document with the bearer scheme', () => {
    const merged = mergeOpenApiDocuments([], info);

    expect(merged).toEqual({
      openapi: '3.1.0',
      info,
      paths: {},
      components: { schemas: {}, securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    });
  });

  it('when a document is not an object or lacks sections, then it is skipped or read as empty', () => {
    const merged = mergeOpenApiDocuments(
      [
        { service: 'a', document: 'garbage' },
        { service: 'b', document: null },
        { service: 'c', document: { paths: { '/api/x': 'not an item', '/api/y': { get: {} } } } },
      ],
      info,
    );

    expect(Object.keys(merged.paths)).toEqual(['/api/y']);
  });

  it('when two services use one schema name for different schemas, then the later is renamed and its refs follow', () => {
    const page = (item: string) => ({ type: 'object', properties: { items: { type: 'array', items: ref(item) } } });
    const merged = mergeOpenApiDocuments(
      [
        {
          service: 'order',
          document: {
            components: { schemas: { Item: { type: 'string' }, Page: page('Item') } },
            paths: { '/api/orders': { get: { responses: { 200: { content: { 'application/json': { schema: ref('Page') } } } } } } },
          },
        },
        {
          service: 'account',
          document: {
            components: { schemas: { Item: { type: 'integer' }, Page: page('Item'), Shared: { type: 'boolean' } } },
            paths: {
              '/api/accounts/me/entries': { get: { responses: { 200: { content: { 'application/json': { schema: ref('Page') } } } } } },
            },
          },
        },
      ],
      info,
    );

    expect(merged.components.schemas).toEqual({
      Item: { type: 'string' },
      Page: page('Item'),
      'account.Item': { type: 'integer' },
      // Page's text is identical, but it points at a different Item, so it is a different schema.
      'account.Page': page('account.Item'),
      Shared: { type: 'boolean' },
    });
    expect(JSON.stringify(merged.paths['/api/orders'])).toContain('"#/components/schemas/Page"');
    expect(JSON.stringify(merged.paths['/api/accounts/me/entries'])).toContain('"#/components/schemas/account.Page"');
  });

  it('when two services describe the same schema identically, then it appears once under its name', () => {
    const shared = { Problem: { type: 'object', properties: { code: { type: 'string' } } } };
    const merged = mergeOpenApiDocuments(
      [
        { service: 'customer', document: { components: { schemas: shared }, paths: {} } },
        { service: 'order', document: { components: { schemas: shared }, paths: {} } },
      ],
      info,
    );

    expect(merged.components.schemas).toEqual(shared);
  });

  it('when two services document the same path, then their operations are combined and the earlier one wins a clash', () => {
    const merged = mergeOpenApiDocuments(
      [
        { service: 'order', document: { paths: { '/api/orders/{id}': { get: { summary: 'from order' } } } } },
        {
          service: 'orchestrator',
          document: { paths: { '/api/orders/{id}': { get: { summary: 'clash' }, post: { summary: 'from orchestrator' } } } },
        },
      ],
      info,
    );

    expect(merged.paths['/api/orders/{id}']).toEqual({ get: { summary: 'from order' }, post: { summary: 'from orchestrator' } });
  });
});
