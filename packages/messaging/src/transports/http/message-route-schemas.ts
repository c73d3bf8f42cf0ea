import { Uuid } from '@ordering/contracts';
import { Page } from '@ordering/platform';
import { Type, type Static } from 'typebox';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const ConsumeOutcomeSchema = Type.Union([
  Type.Literal('processed'),
  Type.Literal('duplicate'),
  Type.Literal('dead-lettered'),
  Type.Literal('retry'),
]);

export const IdParams = Type.Object({ id: Uuid });

export const DeadLetterSchema = Type.Object({
  id: Uuid,
  consumer: Type.String(),
  messageId: Nullable(Uuid),
  messageType: Nullable(Type.String()),
  message: Type.Unknown({ description: 'The envelope as received, or { raw } when the body was not JSON' }),
  error: Type.String(),
  attempts: Type.Integer(),
  deadAt: Timestamp,
  replayedAt: Nullable(Timestamp),
});

export const DeadLetterPage = Page(DeadLetterSchema);

/** What `GET /internal/dead-letters/:id` answers, for clients such as the dlq tool. */
export type DeadLetterResource = Static<typeof DeadLetterSchema>;

/** Optional: without a body (Fastify validates a missing body as null) the stored message is replayed. */
export const ReplayBody = Type.Union([
  Type.Object(
    { message: Type.Unknown({ description: 'A repaired envelope to consume instead of the stored message' }) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export const ReplayResultSchema = Type.Object({
  deadLetterId: Uuid,
  outcome: ConsumeOutcomeSchema,
  messageId: Type.Optional(Uuid),
  type: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
});

/** What `POST /internal/dead-letters/:id/replay` answers. */
export type ReplayResource = Static<typeof ReplayResultSchema>;

export const DeadOutboxMessageSchema = Type.Object({
  id: Uuid,
  messageId: Uuid,
  messageType: Type.String(),
  destination: Type.String(),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  createdAt: Timestamp,
  envelope: Type.Unknown(),
});

export const DeadOutboxPage = Page(DeadOutboxMessageSchema);

export const RetriedOutboxMessage = Type.Object({ id: Uuid, status: Type.Literal('PENDING') });
