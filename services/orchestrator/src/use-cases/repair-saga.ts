import { AppError, notFound, type Principal } from '@ordering/platform';
import {
  REPAIR_ACTIONS,
  SagaNotFoundError,
  SagaRepairNotAllowedError,
  type RepairAction,
  type SagaEngine,
  type SagaView,
} from '@ordering/saga';
import type { RunInTransaction } from '@ordering/messaging';
import { Type, type Static } from 'typebox';
import type { OrchestratorTx } from '../db/orchestrator-database.js';
import { OrchestratorErrors } from '../domain/orchestrator-errors.js';
import { OrderSagaJsonSchema, presentOrderSaga } from './present-order-saga.js';

export interface RepairRequest {
  action: RepairAction;
  /** The operator's why, kept in the saga's history. */
  reason: string;
}

/** The console's AdminSaga: the API's Saga and its owner. */
export const AdminSagaJsonSchema = Type.Object(
  { ...OrderSagaJsonSchema.properties, customerId: Type.String() },
  { additionalProperties: false },
);
export type AdminSagaJson = Static<typeof AdminSagaJsonSchema>;

/** The saga after a repair and the repairs it allows now: the `saga` and `legalRepairs` parts of the SagaTimeline. */
export const RepairedSagaJsonSchema = Type.Object(
  { saga: AdminSagaJsonSchema, legalRepairs: Type.Array(Type.Enum(REPAIR_ACTIONS)) },
  { additionalProperties: false },
);
export type RepairedSagaJson = Static<typeof RepairedSagaJsonSchema>;

const presentRepaired = (engine: SagaEngine, view: SagaView): RepairedSagaJson => {
  const definition = engine.definitionOf(view.saga.type);
  if (!definition) throw new Error(`no definition for saga type ${view.saga.type}`);
  return { saga: { ...presentOrderSaga(view, definition), customerId: view.saga.ownerId }, legalRepairs: engine.legalRepairsOf(view) };
};

/** The engine's refusals as the API's problems: nothing was changed in either case. */
const asAppError = (error: unknown): unknown => {
  if (error instanceof SagaNotFoundError) return notFound('No such saga');
  if (error instanceof SagaRepairNotAllowedError)
    return new AppError(OrchestratorErrors.REPAIR_NOT_ALLOWED, 409, { detail: error.message });
  return error;
};

/**
 * An admin's repair of a saga the engine cannot finish alone. It runs in messaging's transaction, so a command it
 * sends (again) leaves right after the commit instead of at the relay's next poll.
 */
export const repairSaga = async (
  deps: { transaction: RunInTransaction<OrchestratorTx>; engine: SagaEngine },
  principal: Principal,
  sagaId: string,
  request: RepairRequest,
): Promise<RepairedSagaJson> => {
  try {
    const view = await deps.transaction((tx) =>
      deps.engine.repair(tx, { sagaId, action: request.action, actor: principal.customerId, why: request.reason }),
    );
    return presentRepaired(deps.engine, view);
  } catch (error) {
    throw asAppError(error);
  }
};
