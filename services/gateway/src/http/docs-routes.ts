import type {} from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { OpenApiDocument } from '../domain/merge-openapi-documents.js';
import type { OpenApiDocuments } from './openapi-merge.js';

export const DOCS_PREFIX = '/docs';

declare module 'fastify' {
  interface FastifyRequest {
    openapiDocument?: OpenApiDocument;
  }
}

/**
 * @fastify/swagger-ui declares @fastify/swagger as a dependency and calls its `swagger()` decorator. The gateway
 * documents no routes of its own, so this stand-in takes @fastify/swagger's place (the plugin-meta symbols are
 * what fastify-plugin would set); the real document is handed over per request by `transformSpecification`.
 */
const swaggerStandIn: FastifyPluginAsync = Object.assign(
  async (scope: FastifyInstance) => {
    scope.decorate('swagger', (() => ({})) as unknown as FastifyInstance['swagger']);
  },
  { [Symbol.for('skip-override')]: true, [Symbol.for('plugin-meta')]: { name: '@fastify/swagger', fastify: '5.x' } },
);

const servesDocument = (request: FastifyRequest): boolean => /\/(json|yaml)$/.test(request.routeOptions.url ?? '');

/**
 * `GET /docs` is the browsable reference; `GET /docs/json` (and `/docs/yaml`) the merged OpenAPI document.
 * Merging fetches from the services while swagger-ui's handlers are synchronous, so a preHandler loads it first.
 */
export const registerDocsRoutes = async (scope: FastifyInstance, documents: OpenApiDocuments): Promise<void> => {
  await scope.register(swaggerStandIn);
  await scope.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: { deepLinking: true, persistAuthorization: true },
    uiHooks: {
      preHandler: async (request) => {
        if (servesDocument(request)) request.openapiDocument = await documents.get();
      },
    },
    transformSpecificationClone: false,
    transformSpecification: (_placeholder, request) => request.openapiDocument ?? {},
  });
};
