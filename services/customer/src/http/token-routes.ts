import type { HttpServer } from '@ordering/platform';
import type { CustomerDatabase } from '../db/customer-database.js';
import type { TokenSigner } from '../security/token-signer.js';
import { issueToken } from '../use-cases/issue-token.js';
import { CredentialsBody, TokenResponse } from './customer-schemas.js';

export interface TokenRouteDeps {
  database: CustomerDatabase;
  tokenSigner: TokenSigner;
}

export const registerTokenRoutes = (app: HttpServer, deps: TokenRouteDeps): void => {
  app.post(
    '/api/auth/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for an access token',
        description: 'An unknown email and a wrong password get the same 401 INVALID_CREDENTIALS.',
        body: CredentialsBody,
        response: { 200: TokenResponse },
      },
    },
    async (request, reply) => {
      const token = await issueToken(deps.database, deps.tokenSigner, request.body);
      // A bearer credential must not be kept by caches along the way (RFC 6749 §5.1).
      return reply.header('cache-control', 'no-store').send(token);
    },
  );
};
