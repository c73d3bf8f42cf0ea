import { sagas, type SagaRecord } from '@ordering/saga';
import { eq } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';

/** Every saga about one order: its checkout and any cancellations, oldest first. */
export const findSagasOfOrder = (db: SqlExecutor, orderId: string): Promise<SagaRecord[]> =>
  db.select().from(sagas).where(eq(sagas.orderId, orderId)).orderBy(sagas.createdAt);
