import type { HttpServer } from '@ordering/platform';

/** Messaging's `MessageSigner`, by shape: this package does not depend on messaging (its tests depend on this one). */
export interface TestMessageSigner {
  headersFor(body: string): Record<string, string>;
}

/**
 * What a peer's HTTP transport sends to `POST /internal/messages`: the raw body, signed by `signer` (e.g. messaging's
 * `createMessageSigner('orchestrator', testSigningKeyOf('orchestrator'))`); without a signer, an unsigned push.
 */
export const pushMessage = (app: HttpServer, body: string, options: { signer?: TestMessageSigner; contentType?: string } = {}) =>
  app.inject({
    method: 'POST',
    url: '/internal/messages',
    headers: { 'content-type': options.contentType ?? 'application/json', ...options.signer?.headersFor(body) },
    payload: body,
  });
