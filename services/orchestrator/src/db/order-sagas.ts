import { sagas } from '@ordering/saga';
import { eq } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';
import type { OrderSagaSummary } from '../domain/cancellation-policy.js';

/** Every saga about one order (its business key): its checkout and any cancellations, oldest first. */
export const findSagasOfOrder = (db: SqlExecutor, orderId: string): Promise<OrderSagaSummary[]> =>
  db
    .select({ type: sagas.type, status: sagas.status, customerId: sagas.ownerId })
    .from(sagas)
    .where(eq(sagas.businessKey, orderId))
    .orderBy(sagas.createdAt);
