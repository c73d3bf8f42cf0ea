import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from './primitives.js';

/** Versioned message type: `<owner>.<Name>.v<N>`, e.g. `order.CreatePendingOrder.v1`. */
export const MessageTypeName = Type.String({ pattern: '^[a-z]+\\.[A-Z][A-Za-z]+\\.v[0-9]+$', maxLength: 100 });
export const ServiceName = Type.String({ pattern: '^[a-z][a-z0-9-]{0,30}$' });

/** What travels on every transport. The payload is validated separately, against its type's schema. */
export const EnvelopeSchema = Type.Object(
  {
    id: Uuid,
    type: MessageTypeName,
    source: ServiceName,
    destination: ServiceName,
    correlationId: Uuid,
    causationId: Type.Union([Uuid, Type.Null()]),
    replyTo: Type.Optional(ServiceName),
    occurredAt: Timestamp,
    headers: Type.Object(
      {
        traceparent: Type.Optional(Type.String({ maxLength: 128 })),
        tracestate: Type.Optional(Type.String({ maxLength: 512 })),
      },
      { additionalProperties: false },
    ),
    payload: Type.Unknown(),
  },
  { additionalProperties: false },
);

export type Envelope<P = unknown> = Omit<Static<typeof EnvelopeSchema>, 'payload'> & { payload: P };
