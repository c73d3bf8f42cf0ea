import { countSagas, type SagaCounts } from '@ordering/saga';
import { nowOf, sagaFiltersOf, type AdminSagaFilterInput, type AdminSagaReadDeps } from './admin-saga-filters.js';

/** How many sagas match the console's filters, per status, exact up to the cap. */
export const countAdminSagas = (deps: AdminSagaReadDeps, input: AdminSagaFilterInput): Promise<SagaCounts> =>
  countSagas(deps.database.db, sagaFiltersOf(input, nowOf(deps)));
