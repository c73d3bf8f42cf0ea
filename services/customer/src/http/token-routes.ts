import type { HttpServer } from '@ordering/platform';
import { issueToken, type IssueTokenDeps } from '../use-cases/issue-token.js';
import { CredentialsBody, TokenResponse } from './customer-schemas.js';

export type TokenRouteDeps = Omit<IssueTokenDeps, 'logger'>;

export const registerTokenRoutes = (app: HttpServer, deps: TokenRouteDeps): void => {
  app.post(
    '/api/auth/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for an access token',
        description:
          'An unknown email and a wrong password get the same 401 INVALID_CREDENTIALS. After repeated failures for one account or from one ' +
          'client, 429 RATE_LIMITED with Retry-After (a growing lock), the same whether or not the email exists.',
        body: CredentialsBody,
        response: { 200: TokenResponse },
      },
    },
    async (request, reply) => {
      // request.ip is the caller's address: x-forwarded-for is believed only from TRUSTED_PROXIES.
      const token = await issueToken({ ...deps, logger: request.log }, request.body, request.ip);
      // A bearer credential must not be kept by caches along the way (RFC 6749 §5.1).
      return reply.header('cache-control', 'no-store').send(token);
    },
  );
};
