import { contractOf, MessageTypes, type Envelope } from '@ordering/contracts';
import { createEnvelope, outboxMessages } from '@ordering/messaging';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Value } from 'typebox/value';
import type { SagaEngine } from '../../src/index.js';
import { UNIT_PRICE } from '../builders.js';

/** What a participant does with a command it takes from the outbox. */
export interface Answer {
  outcome: 'SUCCEEDED' | 'FAILED' | 'NONE';
  reason?: string;
  /** How many times the reply is delivered (2 = a duplicate delivery). */
  deliveries: number;
  /** Keep the reply back until `deliverHeld()`: a reply that arrives late. */
  held: boolean;
}

export const succeed = (): Answer => ({ outcome: 'SUCCEEDED', deliveries: 1, held: false });
export const fail = (reason: string): Answer => ({ outcome: 'FAILED', reason, deliveries: 1, held: false });
/** Takes the command and never answers (until the test delivers something itself). */
export const silent = (): Answer => ({ outcome: 'NONE', deliveries: 0, held: false });
export const twice = (answer: Answer = succeed()): Answer => ({ ...answer, deliveries: 2 });
export const late = (answer: Answer = succeed()): Answer => ({ ...answer, held: true });

/** A real engine each time, or a new one per delivery (to prove nothing in memory matters). */
export type EngineSource = SagaEngine | (() => SagaEngine);

const engineFrom = (source: EngineSource): SagaEngine => (typeof source === 'function' ? source() : source);

type AnyDatabase = NodePgDatabase<Record<string, unknown>>;

/** Plausible success payloads, valid against the contracts. */
const successPayload = (command: Envelope): Record<string, unknown> => {
  const payload = command.payload as Record<string, unknown>;
  const orderId = payload['orderId'];
  switch (command.type) {
    case MessageTypes.CreatePendingOrder: {
      const items = payload['items'] as { quantity: number }[];
      return { orderId, outcome: 'SUCCEEDED', total: items.reduce((sum, line) => sum + line.quantity * UNIT_PRICE, 0), currency: 'JPY' };
    }
    case MessageTypes.DebitAccount:
      return { orderId, outcome: 'SUCCEEDED', amount: payload['amount'], balanceAfter: 100_000 };
    case MessageTypes.RefundAccount:
      return { orderId, outcome: 'SUCCEEDED', refunded: 1_500 };
    case MessageTypes.BeginCancel:
      return { orderId, outcome: 'SUCCEEDED', total: 1_500 };
    default:
      return { orderId, outcome: 'SUCCEEDED' };
  }
};

const assertValid = (envelope: Envelope, what: string): void => {
  const contract = contractOf(envelope.type);
  if (!contract || !Value.Check(contract.schema, envelope.payload)) {
    throw new Error(`${what} ${envelope.type} does not match its contract: ${JSON.stringify(envelope.payload)}`);
  }
};

export interface SimulatedParticipants {
  /** The n-th command of this type gets the n-th answer; the last answer repeats. Unscripted commands succeed. */
  script(commandType: string, ...answers: Answer[]): void;
  /** Every command taken so far, in order. */
  readonly taken: Envelope[];
  /** Replies kept back by `late()`, oldest first. */
  readonly held: Envelope[];
  /** Takes pending commands from the outbox (marking them SENT), as a relay would. */
  takeCommands(): Promise<Envelope[]>;
  /** The reply a participant would send to a command. */
  replyTo(command: Envelope, answer?: Answer): Envelope;
  /** Delivers a reply the way the consumer runtime does: the engine's handler inside one transaction. */
  deliver(engine: EngineSource, reply: Envelope): Promise<void>;
  /** One round: take the pending commands and answer each as scripted. Returns how many commands were taken. */
  pump(engine: EngineSource): Promise<number>;
  /** Rounds until no command is pending. */
  runUntilQuiet(engine: EngineSource): Promise<void>;
  deliverHeld(engine: EngineSource): Promise<void>;
}

export const createSimulatedParticipants = (db: AnyDatabase): SimulatedParticipants => {
  const scripts = new Map<string, Answer[]>();
  const seen = new Map<string, number>();
  const taken: Envelope[] = [];
  const held: Envelope[] = [];

  const answerFor = (command: Envelope): Answer => {
    const answers = scripts.get(command.type) ?? [succeed()];
    const nth = seen.get(command.type) ?? 0;
    seen.set(command.type, nth + 1);
    return answers[Math.min(nth, answers.length - 1)] ?? succeed();
  };

  const participants: SimulatedParticipants = {
    taken,
    held,
    script(commandType, ...answers) {
      scripts.set(commandType, answers);
      seen.set(commandType, 0);
    },
    async takeCommands() {
      return db.transaction(async (tx) => {
        const rows = await tx
          .select({ id: outboxMessages.id, envelope: outboxMessages.envelope })
          .from(outboxMessages)
          .where(eq(outboxMessages.status, 'PENDING'))
          .orderBy(asc(outboxMessages.createdAt))
          .for('update', { skipLocked: true });
        if (rows.length === 0) return [];
        await tx
          .update(outboxMessages)
          .set({ status: 'SENT', sentAt: new Date() })
          .where(
            and(
              eq(outboxMessages.status, 'PENDING'),
              inArray(
                outboxMessages.id,
                rows.map((row) => row.id),
              ),
            ),
          );
        const commands = rows.map((row) => row.envelope as Envelope);
        for (const command of commands) assertValid(command, 'command');
        taken.push(...commands);
        return commands;
      });
    },
    replyTo(command, answer = succeed()) {
      const replyType = contractOf(command.type)?.replyType;
      if (!replyType) throw new Error(`${command.type} has no reply type`);
      const payload =
        answer.outcome === 'FAILED'
          ? { orderId: (command.payload as { orderId: string }).orderId, outcome: 'FAILED', reason: answer.reason }
          : successPayload(command);
      return createEnvelope({
        type: replyType,
        source: command.destination,
        destination: command.replyTo ?? command.source,
        payload,
        correlationId: command.correlationId,
        causationId: command.id,
        headers: command.headers,
      });
    },
    async deliver(engine, reply) {
      assertValid(reply, 'reply');
      const handler = engineFrom(engine)
        .replyHandlers()
        .find((candidate) => candidate.type === reply.type);
      if (!handler) throw new Error(`the engine has no handler for ${reply.type}`);
      await db.transaction((tx) => handler.handle(tx, reply));
    },
    async pump(engine) {
      const commands = await participants.takeCommands();
      for (const command of commands) {
        const answer = answerFor(command);
        if (answer.outcome === 'NONE') continue;
        const reply = participants.replyTo(command, answer);
        if (answer.held) {
          held.push(reply);
          continue;
        }
        for (let delivery = 0; delivery < answer.deliveries; delivery += 1) await participants.deliver(engine, reply);
      }
      return commands.length;
    },
    async runUntilQuiet(engine) {
      for (let round = 0; round < 50; round += 1) {
        if ((await participants.pump(engine)) === 0) return;
      }
      throw new Error('the participants never went quiet: a command loop?');
    },
    async deliverHeld(engine) {
      for (const reply of held.splice(0)) await participants.deliver(engine, reply);
    },
  };
  return participants;
};
