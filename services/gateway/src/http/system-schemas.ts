import { BACKEND_SERVICES, Timestamp } from '@ordering/contracts';
import { Type, type Static } from 'typebox';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const ServiceName = Type.Enum(BACKEND_SERVICES);

const ReplicaSchema = Type.Object(
  {
    url: Type.String({ description: 'The replica origin the gateway routes to' }),
    ready: Type.Boolean({ description: 'Its /readyz answered 200' }),
    outboxBacklog: Nullable(Type.Integer({ minimum: 0, description: 'Outbox messages waiting to be published' })),
    deadLetters: Nullable(Type.Integer({ minimum: 0, description: 'Dead letters not yet replayed, both transports' })),
    messagesPerSecond: Nullable(Type.Number({ minimum: 0, description: 'Messages consumed per second over the last sample window' })),
    throughput: Type.Array(
      Type.Object({ at: Timestamp, messagesPerSecond: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
      {
        description: 'The last ~5 minutes, oldest first',
      },
    ),
    error: Nullable(Type.String({ description: 'Why the replica could not be read, one line' })),
  },
  { additionalProperties: false },
);

export type ReplicaView = Static<typeof ReplicaSchema>;

export const SystemViewSchema = Type.Object(
  {
    sampledAt: Timestamp,
    services: Type.Array(Type.Object({ name: ServiceName, replicas: Type.Array(ReplicaSchema) }, { additionalProperties: false })),
    flows: Type.Array(Type.Object({ type: Type.String(), from: Type.String(), to: Type.String() }, { additionalProperties: false })),
    routes: Type.Array(
      Type.Object(
        { from: Type.Literal('gateway'), to: ServiceName, routes: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SystemView = Static<typeof SystemViewSchema>;
