import { listSagas, type SagaStatus } from '@ordering/saga';
import { nowOf, sagaFiltersOf, type AdminSagaFilterInput, type AdminSagaReadDeps } from './admin-saga-filters.js';
import { presentAdminSaga, type AdminSagaJson } from './present-admin-saga.js';

export interface AdminSagaListInput extends AdminSagaFilterInput {
  limit: number;
  cursor?: string | undefined;
  status?: SagaStatus | undefined;
}

/** Every saga matching the console's filters, newest first, a page at a time. */
export const listAdminSagas = async (
  deps: AdminSagaReadDeps,
  input: AdminSagaListInput,
): Promise<{ items: AdminSagaJson[]; nextCursor: string | null }> => {
  const page = await listSagas(deps.database.db, {
    ...sagaFiltersOf(input, nowOf(deps)),
    limit: input.limit,
    ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
  });
  return {
    items: page.items.map((view) => {
      const definition = deps.engine.definitionOf(view.saga.type);
      if (!definition) throw new Error(`no definition for saga type ${view.saga.type}`);
      return presentAdminSaga(view, definition);
    }),
    nextCursor: page.nextCursor,
  };
};
