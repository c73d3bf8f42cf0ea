import { contractOf, type Envelope } from '@ordering/contracts';
import type pg from 'pg';
import { Value } from 'typebox/value';

/** What a participant service registers with the consumer runtime (structurally, so any schema's transaction fits). */
export interface ParticipantHandler<Tx> {
  readonly type: string;
  handle(tx: Tx, message: Envelope): Promise<void>;
}

export interface ParticipantDriverOptions<Tx> {
  readonly handlers: readonly ParticipantHandler<Tx>[];
  readonly transaction: <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;
  /** Read straight from the database, so assertions do not trust the code under test. */
  readonly pool: pg.Pool;
}

export interface ParticipantDriver {
  /** Runs the handler for the envelope's type in its own transaction, exactly as the consumer runtime does. */
  deliver(message: Envelope): Promise<void>;
  /** Delivers a command and returns its one reply from the outbox, checked against the reply contract. */
  send(command: Envelope): Promise<Envelope>;
  /** Every outbox message caused by `command`, oldest first. */
  repliesTo(command: Envelope): Promise<Envelope[]>;
}

/** A saga participant (order, account) driven the way the orchestrator drives it, without a transport in between. */
export const driveParticipant = <Tx>({ handlers, transaction, pool }: ParticipantDriverOptions<Tx>): ParticipantDriver => {
  const deliver = async (message: Envelope): Promise<void> => {
    const handler = handlers.find((candidate) => candidate.type === message.type);
    if (!handler) throw new Error(`no handler for ${message.type}`);
    await transaction((tx) => handler.handle(tx, message));
  };

  const repliesTo = async (command: Envelope): Promise<Envelope[]> => {
    const result = await pool.query<{ envelope: Envelope }>(
      "select envelope from outbox_messages where envelope->>'causationId' = $1 order by created_at, id",
      [command.id],
    );
    return result.rows.map((row) => row.envelope);
  };

  const send = async (command: Envelope): Promise<Envelope> => {
    await deliver(command);
    const replies = await repliesTo(command);
    const [reply] = replies;
    if (replies.length !== 1 || !reply) throw new Error(`expected exactly one reply to ${command.type}, found ${replies.length}`);
    const contract = contractOf(reply.type);
    if (contract?.kind !== 'reply') throw new Error(`the reply to ${command.type} has type ${reply.type}, which is not a reply contract`);
    if (!Value.Check(contract.schema, reply.payload))
      throw new Error(`the reply ${reply.type} breaks its contract: ${JSON.stringify(reply.payload)}`);
    return reply;
  };

  return { deliver, send, repliesTo };
};

/** A service's database handle, by shape: the pool assertions read and the transactions handlers run in. */
export interface ParticipantDatabase<Tx> {
  readonly pool: pg.Pool;
  readonly db: { transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> };
}

/** `driveParticipant` on a service's own database handle. */
export const driveParticipantOn = <Tx>(
  database: ParticipantDatabase<NoInfer<Tx>>,
  handlers: readonly ParticipantHandler<Tx>[],
): ParticipantDriver => driveParticipant({ handlers, transaction: (work) => database.db.transaction(work), pool: database.pool });
