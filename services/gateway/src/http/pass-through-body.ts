import type { FastifyInstance } from 'fastify';

/**
 * The gateway never interprets a body: whatever the client sent (valid JSON, malformed JSON, another media type)
 * is forwarded byte for byte and the owning service answers 400 or 415 itself. Only the size limit (413) is
 * enforced here, by the platform's bodyLimit while the bytes are read.
 */
export const acceptAnyBodyAsBytes = (app: FastifyInstance): void => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
};
