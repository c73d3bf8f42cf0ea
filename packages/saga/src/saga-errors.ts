import { REPAIR_RULES, type RepairAction } from './saga-repairs.js';
import type { SagaStatus } from './saga-vocabulary.js';

/**
 * The one shape of the engine's errors: the class name tells the case apart (in logs and with instanceof), and
 * its fields (copied onto the error, declared by each subclass) say which saga, type or key it concerns.
 */
export abstract class SagaError<Fields extends object> extends Error {
  protected constructor(fields: Fields, message: string) {
    super(message);
    this.name = new.target.name;
    Object.assign(this, fields);
  }
}

export class UnknownSagaTypeError extends SagaError<{ sagaType: string }> {
  declare readonly sagaType: string;
  constructor(sagaType: string) {
    super({ sagaType }, `no saga definition for type '${sagaType}'`);
  }
}

/** A saga of a `oneActivePerKey` type already holds this business key (it has not ABORTED), e.g. a second cancellation. */
export class SagaAlreadyActiveError extends SagaError<{ sagaType: string; businessKey: string }> {
  declare readonly sagaType: string;
  declare readonly businessKey: string;
  constructor(sagaType: string, businessKey: string) {
    super({ sagaType, businessKey }, `a ${sagaType} saga already exists for key ${businessKey}`);
  }
}

/**
 * The saga changed between the read and the write. Under the row lock this cannot happen; if it does, the
 * transaction must roll back: the consumer gets the message again, the sweeper tries on its next pass.
 */
export class SagaVersionConflictError extends SagaError<{ sagaId: string; expectedVersion: number }> {
  declare readonly sagaId: string;
  declare readonly expectedVersion: number;
  constructor(sagaId: string, expectedVersion: number) {
    super({ sagaId, expectedVersion }, `saga ${sagaId} is no longer at version ${expectedVersion}`);
  }
}

/** No saga has this id (or the id is not a UUID, which no saga has): a coded not-found for the API to map. */
export class SagaNotFoundError extends SagaError<{ sagaId: string }> {
  readonly code = 'NOT_FOUND';
  declare readonly sagaId: string;
  constructor(sagaId: string) {
    super({ sagaId }, `no saga ${sagaId}`);
  }
}

/**
 * An operator asked for a repair the saga's state does not allow (REPAIR_RULES); nothing was changed. The message
 * names the saga's status and the repairs it does allow, for the operator who asked.
 */
export class SagaRepairNotAllowedError extends SagaError<{
  sagaId: string;
  action: RepairAction;
  sagaStatus: SagaStatus;
  legalRepairs: RepairAction[];
}> {
  readonly code = 'REPAIR_NOT_ALLOWED';
  declare readonly sagaId: string;
  declare readonly action: RepairAction;
  declare readonly sagaStatus: SagaStatus;
  declare readonly legalRepairs: RepairAction[];
  constructor(sagaId: string, action: RepairAction, sagaStatus: SagaStatus, legalRepairs: RepairAction[]) {
    super(
      { sagaId, action, sagaStatus, legalRepairs },
      `saga ${sagaId} is ${sagaStatus}: ${action} is allowed ${REPAIR_RULES[action]}; ` +
        `repairs allowed now: ${legalRepairs.length > 0 ? legalRepairs.join(', ') : 'none'}`,
    );
  }
}
