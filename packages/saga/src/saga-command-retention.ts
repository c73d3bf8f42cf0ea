import { deleteInBatches } from '@ordering/messaging';
import { and, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';
import { sagaCommands, sagas } from './saga-schema.js';

export interface SagaCommandRetention {
  /** Commands of sagas that finished longer ago than this are deleted. */
  retentionMs: number;
  /** Rows per DELETE statement, so a large backlog never holds many locks at once. */
  batchSize: number;
  /** Checked between statements so a shutdown does not wait for a long backlog. */
  shouldStop?: () => boolean;
}

/**
 * A saga's command rows only serve to match replies to it. Once it has been finished for longer than the inbox
 * remembers message ids, a late reply is ignored either way (by the saga's terminal state, or as a reply to an
 * unknown command), so the rows can go. The saga and its steps stay: they are the business record the API shows.
 */
export const deleteSettledSagaCommands = async (db: SqlExecutor, settings: SagaCommandRetention): Promise<number> => {
  const cutoff = sql`now() - make_interval(secs => ${settings.retentionMs / 1000})`;
  const deleteBatch = async (): Promise<number> => {
    // SKIP LOCKED: two orchestrator replicas split a backlog instead of waiting for each other.
    const settled = db
      .select({ messageId: sagaCommands.messageId })
      .from(sagaCommands)
      .innerJoin(sagas, eq(sagas.id, sagaCommands.sagaId))
      .where(and(isNotNull(sagas.finishedAt), lt(sagas.finishedAt, cutoff)))
      .limit(settings.batchSize)
      .for('update', { of: sagaCommands, skipLocked: true });
    const deleted = await db
      .delete(sagaCommands)
      .where(inArray(sagaCommands.messageId, settled))
      .returning({ messageId: sagaCommands.messageId });
    return deleted.length;
  };
  return deleteInBatches(deleteBatch, settings.batchSize, settings.shouldStop ?? (() => false));
};
