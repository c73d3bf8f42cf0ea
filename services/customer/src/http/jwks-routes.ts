import type { HttpServer } from '@ordering/platform';
import { Type } from 'typebox';
import type { TokenSigner } from '../security/token-signer.js';

const JwksResponse = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.String(),
      crv: Type.String(),
      x: Type.String(),
      y: Type.String(),
      kid: Type.String(),
      alg: Type.String(),
      use: Type.String(),
    }),
  ),
});

// Long enough to spare us the traffic, short enough that a rotated key reaches verifiers within minutes.
const JWKS_MAX_AGE_SECONDS = 300;

export const registerJwksRoutes = (app: HttpServer, deps: { tokenSigner: TokenSigner }): void => {
  app.get(
    '/.well-known/jwks.json',
    { schema: { hide: true, tags: ['auth'], summary: 'Public keys that verify access tokens', response: { 200: JwksResponse } } },
    async (_request, reply) => reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`).send(deps.tokenSigner.jwks),
  );
};
