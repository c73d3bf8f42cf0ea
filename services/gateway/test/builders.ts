import { randomUUID } from 'node:crypto';

export const aCustomerRegistration = (overrides: Record<string, unknown> = {}) => ({
  name: 'Ada Lovelace',
  email: `ada-${randomUUID()}@example.com`,
  password: 'correct horse battery',
  ...overrides,
});

export const aCheckoutRequest = () => ({ items: [{ menuItemId: randomUUID(), quantity: 2 }] });

export const aDepositRequest = (amount = 5000) => ({ amount });

/** Not JSON at all, though it claims to be: the owning service must be the one to say 400. */
export const aMalformedJsonBody = () => '{"amount": 100,';

/** Just over the gateway's 64 KiB limit many times over. */
export const aOneMebibyteBody = () => JSON.stringify({ padding: 'x'.repeat(1024 * 1024) });

export const aTraceparent = () => `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`;

/** A service's OpenAPI document the way @fastify/swagger renders it, with a public and an internal path. */
export const anOpenApiDocument = (options: { publicPath: string; internalPath: string; schemaName: string; tag: string }) => ({
  openapi: '3.1.0',
  info: { title: `${options.tag} service`, version: '0.1.0' },
  tags: [{ name: options.tag }],
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: { [options.schemaName]: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } } },
  },
  paths: {
    [options.publicPath]: {
      get: {
        tags: [options.tag],
        summary: `Read ${options.tag}`,
        responses: {
          200: { description: 'ok', content: { 'application/json': { schema: { $ref: `#/components/schemas/${options.schemaName}` } } } },
        },
      },
    },
    [options.internalPath]: { post: { summary: 'internal', responses: { 202: { description: 'accepted' } } } },
  },
});
