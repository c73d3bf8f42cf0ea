import { notFound, PageQuery, unauthenticated, validationFailed, type HttpServer } from '@ordering/platform';
import type { DeadLetter, DeadLetterStore, DeadOutboxMessage } from '../../dead-letters/dead-letter-store.js';
import { MESSAGES_PATH } from './http-transport.js';
import { decodeBatch, MESSAGE_BATCH_PATH, type BatchOutcome } from './message-batch.js';
import { createOperatorTokenCheck } from '../../security/operator-token.js';
import { consumeOptionsOf, type MessageVerifier } from '../../security/message-authentication.js';
import type { ConsumeOutcome, MessageConsumer } from '../../inbox/message-consumer.js';
import {
  DeadLetterPage,
  DeadLetterSchema,
  DeadOutboxPage,
  IdParams,
  ReplayBody,
  ReplayResultSchema,
  RetriedOutboxMessage,
} from './message-route-schemas.js';
import { checkMessage } from '../../inbox/message-validation.js';
import { replayDeadLetter } from '../../dead-letters/replay-dead-letter.js';

export interface MessageRoutesDeps {
  /** The service these routes belong to: a repaired message must be addressed to it. */
  service: string;
  consumer: MessageConsumer;
  deadLetters: DeadLetterStore;
  /** Woken after an outbox row is made PENDING again, so it goes out at once. */
  relay?: { wake(): void };
  /**
   * Set: `POST /internal/messages` is registered, and a push is consumed only if this verifier authenticates its
   * sender. Unset (the broker carries the messages): the route does not exist.
   */
  intake?: MessageVerifier | undefined;
  /** Set: the operator routes require `Authorization: Bearer <operatorToken>`. Unset (development mode): they are open. */
  operatorToken?: string | undefined;
}

/** The status contract senders rely on: 200 and 202 mean "delivered, do not resend"; 503 means "resend later". */
export const STATUS_BY_OUTCOME: Record<ConsumeOutcome, number> = {
  processed: 200,
  duplicate: 200,
  'dead-lettered': 202,
  retry: 503,
};

const TAGS = ['internal'];

/** Read by @fastify/swagger; a plain constant so this package needs no type augmentation from it. */
const HIDDEN_FROM_OPENAPI: Record<string, unknown> = { hide: true };

/** A page query as the store takes it: no cursor means the first page. */
const pageRequestOf = (query: PageQuery): { limit: number; cursor?: string } => ({
  limit: query.limit,
  ...(query.cursor ? { cursor: query.cursor } : {}),
});

const presentDeadLetter = (letter: DeadLetter) => ({
  id: letter.id,
  consumer: letter.consumer,
  messageId: letter.messageId,
  messageType: letter.messageType,
  message: letter.message,
  error: letter.error,
  attempts: letter.attempts,
  deadAt: letter.deadAt.toISOString(),
  replayedAt: letter.replayedAt ? letter.replayedAt.toISOString() : null,
});

const presentDeadOutbox = (row: DeadOutboxMessage) => ({
  id: row.id,
  messageId: row.messageId,
  messageType: row.messageType,
  destination: row.destination,
  attempts: row.attempts,
  lastError: row.lastError,
  createdAt: row.createdAt.toISOString(),
  envelope: row.envelope,
});

/**
 * Every body reaches the consumer as text, whatever its content type and even when it is not JSON, so that a
 * malformed message is parked as a dead letter (202) instead of being refused with a 400 the sender would retry.
 * The parsers are replaced only inside this encapsulated plugin; the service's other routes keep strict JSON.
 */
const registerInboundRoute = (app: HttpServer, consumer: MessageConsumer, verifier: MessageVerifier): void => {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post(MESSAGES_PATH, { schema: HIDDEN_FROM_OPENAPI }, async (request, reply) => {
      const body = typeof request.body === 'string' ? request.body : '';
      const header = (name: string): string | undefined => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      // Refused before the consumer sees it: an unauthenticated push is neither consumed nor parked, and its sender
      // (a peer whose key is not configured here yet) keeps it pending and tries again.
      const authentication = verifier.verify(header, body);
      if (!authentication.ok) throw unauthenticated(`The message was refused: ${authentication.failure}`);
      const result = await consumer.consume(body, consumeOptionsOf(authentication.value));
      return reply.status(STATUS_BY_OUTCOME[result.outcome]).send({ outcome: result.outcome });
    });
    scope.post(MESSAGE_BATCH_PATH, { schema: HIDDEN_FROM_OPENAPI }, async (request, reply) => {
      const messages = decodeBatch(typeof request.body === 'string' ? request.body : '');
      if (!messages)
        throw validationFailed('The body is not a message batch: {"messages": [{"headers": {...}, "body": "..."}], 1 to 64 of them');
      // Each message is authenticated on its own, exactly as if it had been pushed alone.
      const checks = messages.map((message) => verifier.verify((name) => message.headers[name], message.body));
      const accepted = messages.flatMap((message, index) => {
        const check = checks[index];
        if (!check?.ok) return [];
        return [{ index, raw: message.body, options: consumeOptionsOf(check.value) }];
      });
      const results = await consumer.consumeBatch(accepted);
      const outcomes: BatchOutcome[] = messages.map(() => 'unauthenticated');
      accepted.forEach((entry, k) => (outcomes[entry.index] = results[k]?.outcome ?? 'retry'));
      return reply.status(200).send({ outcomes });
    });
  });
};

const registerDeadLetterRoutes = (app: HttpServer, deps: MessageRoutesDeps): void => {
  app.get(
    '/internal/dead-letters',
    {
      schema: {
        tags: TAGS,
        summary: 'List dead letters, newest first (cluster-internal)',
        querystring: PageQuery,
        response: { 200: DeadLetterPage },
      },
    },
    async (request) => {
      const page = await deps.deadLetters.list(pageRequestOf(request.query));
      return { items: page.items.map(presentDeadLetter), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/internal/dead-letters/:id',
    { schema: { tags: TAGS, summary: 'Show one dead letter (cluster-internal)', params: IdParams, response: { 200: DeadLetterSchema } } },
    async (request) => {
      const letter = await deps.deadLetters.find(request.params.id);
      if (!letter) throw notFound('No dead letter with this id');
      return presentDeadLetter(letter);
    },
  );

  app.post(
    '/internal/dead-letters/:id/replay',
    {
      schema: {
        tags: TAGS,
        summary: 'Consume a dead letter again, optionally as a repaired envelope (cluster-internal)',
        params: IdParams,
        body: ReplayBody,
        response: { 200: ReplayResultSchema },
      },
    },
    async (request) => {
      const repaired = request.body?.message;
      if (repaired !== undefined) {
        // Checked before the dead letter is touched: a repair that cannot succeed is the operator's to fix, now.
        const check = checkMessage(repaired, deps.service);
        if (!check.valid) throw validationFailed('The repaired message would be refused', [{ path: 'body.message', message: check.error }]);
      }
      const result = await replayDeadLetter(deps, request.params.id, repaired);
      if (!result) throw notFound('No dead letter with this id');
      return {
        deadLetterId: result.deadLetterId,
        outcome: result.outcome,
        ...(result.messageId ? { messageId: result.messageId } : {}),
        ...(result.type ? { type: result.type } : {}),
        ...(result.error ? { error: result.error } : {}),
      };
    },
  );
};

const registerOutboxRoutes = (app: HttpServer, deps: MessageRoutesDeps): void => {
  app.get(
    '/internal/outbox/dead',
    {
      schema: {
        tags: TAGS,
        summary: 'List outbox messages that could not be delivered (cluster-internal)',
        querystring: PageQuery,
        response: { 200: DeadOutboxPage },
      },
    },
    async (request) => {
      const page = await deps.deadLetters.listDeadOutbox(pageRequestOf(request.query));
      return { items: page.items.map(presentDeadOutbox), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/internal/outbox/:id/retry',
    {
      schema: {
        tags: TAGS,
        summary: 'Make a DEAD outbox message PENDING again (cluster-internal)',
        params: IdParams,
        response: { 200: RetriedOutboxMessage },
      },
    },
    async (request) => {
      if (!(await deps.deadLetters.retryDeadOutbox(request.params.id))) throw notFound('No DEAD outbox message with this id');
      deps.relay?.wake();
      return { id: request.params.id, status: 'PENDING' as const };
    },
  );
};

/**
 * Refuses a request without the token in its onRequest phase, before its body is read or parsed. The answer is the
 * platform's 401 problem+json.
 */
const requireOperatorToken = (scope: HttpServer, token: string): void => {
  const accepts = createOperatorTokenCheck(token);
  scope.addHook('onRequest', async (request) => {
    if (!accepts(request.headers.authorization))
      throw unauthenticated('The operator routes require Authorization: Bearer <OPERATOR_TOKEN>');
  });
};

/**
 * `POST /internal/messages` (the receiving end of the HTTP transport, authenticated by each message's signature)
 * and, in a scope of their own behind the operator token, the operator routes for dead letters and DEAD outbox rows.
 * None of these are routed by the gateway; in production they are also reachable only from inside the cluster.
 */
export const registerMessageRoutes = (app: HttpServer, deps: MessageRoutesDeps): void => {
  if (deps.intake) registerInboundRoute(app, deps.consumer, deps.intake);
  void app.register(async (scope) => {
    if (deps.operatorToken) requireOperatorToken(scope, deps.operatorToken);
    registerDeadLetterRoutes(scope, deps);
    registerOutboxRoutes(scope, deps);
  });
};
