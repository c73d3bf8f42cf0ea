import { sagas, type SagaRecord } from '@ordering/saga';
import type { SqlExecutor } from '@ordering/messaging';
import { eq } from 'drizzle-orm';

/** Every saga about one order: its checkout and any cancellations, oldest first. */
export const findSagasOfOrder = (db: SqlExecutor, orderId: string): Promise<SagaRecord[]> =>
  db.select().from(sagas).where(eq(sagas.orderId, orderId)).orderBy(sagas.createdAt);
