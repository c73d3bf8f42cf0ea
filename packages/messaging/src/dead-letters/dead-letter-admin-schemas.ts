import { Page, PageQuery } from '@ordering/platform';
import { Type, type Static } from 'typebox';
import { HTTP_DEAD_LETTERS, BROKER_DEAD_LETTERS } from './dead-letter-metrics.js';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const DeadLetterTransport = Type.Union([Type.Literal(HTTP_DEAD_LETTERS), Type.Literal(BROKER_DEAD_LETTERS)], {
  description: "Where the dead letter is parked: 'http' the service's dead_letters table, 'rabbitmq' one of its <queue>.dlq",
});
export type DeadLetterTransport = Static<typeof DeadLetterTransport>;

export const DeadLetterListQuery = Type.Object({
  ...PageQuery.properties,
  transport: Type.Optional(DeadLetterTransport),
  includeReplayed: Type.Boolean({ default: false, description: 'Also list table rows already replayed' }),
});

export const DeadLetterParams = Type.Object({
  transport: DeadLetterTransport,
  id: Type.String({
    pattern: '^[A-Za-z0-9-]{1,64}$',
    description: 'The dead_letters row id (http), or the x-dead-letter-id or its 32-hex fallback hash (rabbitmq)',
  }),
});

export const DeadLetterItem = Type.Object({
  id: Type.String(),
  transport: DeadLetterTransport,
  service: Type.String(),
  queue: Type.String({ description: "The service's name (http) or the DLQ's name (rabbitmq)" }),
  messageId: Nullable(Type.String()),
  messageType: Nullable(Type.String()),
  error: Type.String(),
  attempts: Type.Integer(),
  deadAt: Nullable(Timestamp),
  replayedAt: Nullable(Timestamp),
  message: Type.Unknown({ description: 'The envelope as received, or { raw } when the body was not JSON' }),
});
export type DeadLetterItem = Static<typeof DeadLetterItem>;

export const DeadLetterItemPage = Page(DeadLetterItem);

/** Optional: without a body (Fastify validates a missing body as null) the stored message is replayed. */
export const DeadLetterReplayBody = Type.Union([
  Type.Object(
    { message: Type.Unknown({ description: 'A repaired envelope to replay instead of the stored message' }) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export const DeadLetterReplayResult = Type.Object({
  deadLetterId: Type.String(),
  outcome: Type.Union([
    Type.Literal('processed'),
    Type.Literal('duplicate'),
    Type.Literal('dead-lettered'),
    Type.Literal('retry'),
    Type.Literal('republished'),
  ]),
  messageId: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
});
export type DeadLetterReplayResult = Static<typeof DeadLetterReplayResult>;
