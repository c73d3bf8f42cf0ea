import { MessageTypes, type Envelope } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import type { SagaEngine } from '../src/index.js';
import { aCancellation, aCheckout } from './builders.js';
import { useSagaTestBed, type SagaTestBed } from './support/saga-test-bed.js';
import { fail, succeed, type Answer } from './support/simulated-participants.js';

/**
 * Every statement is a round trip to PostgreSQL, and a checkout's cost is mostly round trips (issue 10). These are
 * the engine's own statements, without the consumer's BEGIN, inbox row and COMMIT around a reply.
 */

const bed = useSagaTestBed();

/** Statements `work` sent inside one transaction, BEGIN and COMMIT left out. */
const statementsOf = async (work: Parameters<SagaTestBed['database']['db']['transaction']>[0]): Promise<number> => {
  const before = await bed.statementsSent();
  await bed.database.db.transaction(work);
  return (await bed.statementsSent()) - before - 2;
};

const replyHandler = (engine: SagaEngine, reply: Envelope) => {
  const handler = engine.replyHandlers().find((candidate) => candidate.type === reply.type);
  if (!handler) throw new Error(`no handler for ${reply.type}`);
  return handler;
};

/** Takes the one pending command, answers it, and counts what handling the answer cost. */
const answerNext = async (engine: SagaEngine, answer: Answer = succeed()): Promise<{ statements: number; reply: Envelope }> => {
  const [command, ...others] = await bed.participants.takeCommands();
  if (!command || others.length > 0) throw new Error(`expected one pending command, got ${others.length + (command ? 1 : 0)}`);
  const reply = bed.participants.replyTo(command, answer);
  const statements = await statementsOf((tx) => replyHandler(engine, reply).handle(tx, reply));
  return { statements, reply };
};

describe('statements per saga step', () => {
  it('when a saga starts, then its saga row, step rows, command record and outbox row take 2 statements', async () => {
    const engine = bed.newEngine();
    expect(await statementsOf((tx) => engine.start(tx, aCheckout()))).toBe(2);
  });

  it('when a saga of a one-active-per-key type starts, then locking its key adds 1 statement, the check rides on the insert', async () => {
    const engine = bed.newEngine();
    expect(await statementsOf((tx) => engine.start(tx, aCancellation()))).toBe(3);
  });

  it('when each reply of a successful checkout arrives, then each takes 3 statements (lock and read, write, outbox), the last one included', async () => {
    const engine = bed.newEngine();
    const checkout = aCheckout();
    await bed.database.db.transaction((tx) => engine.start(tx, checkout));

    const counts = [(await answerNext(engine)).statements, (await answerNext(engine)).statements];
    const last = await answerNext(engine);
    counts.push(last.statements);

    expect(counts).toEqual([3, 3, 2]);
    expect((await bed.readSaga(checkout.sagaId)).status).toBe('COMPLETED');
    // A duplicate only reads: the saga is terminal.
    expect(await statementsOf((tx) => replyHandler(engine, last.reply).handle(tx, last.reply))).toBe(1);
  });

  it('when a step fails, then the reply that starts compensating and the compensation reply each take 3 statements or fewer', async () => {
    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    const engine = bed.newEngine();
    const checkout = aCheckout();
    await bed.database.db.transaction((tx) => engine.start(tx, checkout));

    const counts = [
      (await answerNext(engine)).statements,
      (await answerNext(engine, fail('INSUFFICIENT_FUNDS'))).statements,
      (await answerNext(engine)).statements,
    ];

    expect(counts).toEqual([3, 3, 2]);
    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'ABORTED', reason: 'INSUFFICIENT_FUNDS' });
  });
});
