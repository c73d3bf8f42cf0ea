import type { OpenApiDocument } from '../domain/merge-openapi-documents.js';
import type { OpenApiDocuments } from './openapi-merge.js';
import { SYSTEM_PATH } from './system-routes.js';
import { SystemViewSchema } from './system-schemas.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { type: 'object' } } } });

/** The gateway serves this route itself, so no service document has it: it is written here, beside its schema. */
const SYSTEM_OPERATION = {
  get: {
    tags: ['admin'],
    summary: 'Every replica behind the gateway: readiness, outbox backlog, dead letters and consumed messages per second',
    description:
      'Sampled by the gateway every 10 s while watched (from the first call until 5 minutes without one); a replica that does not answer within 2 s is shown not ready, with its numbers null and the error.',
    security: [{ bearerAuth: [] }],
    responses: {
      200: { description: 'The system view', content: { 'application/json': { schema: SystemViewSchema } } },
      401: problem('No valid bearer token'),
      403: problem('The token is not an admin one'),
    },
  },
};

const withSystemPath = (document: OpenApiDocument): OpenApiDocument => ({
  ...document,
  paths: { ...document.paths, [SYSTEM_PATH]: SYSTEM_OPERATION },
});

/** The merged document of the services, plus the gateway's own route. */
export const withSystemDocs = (documents: OpenApiDocuments): OpenApiDocuments => ({
  get: async () => withSystemPath(await documents.get()),
});
