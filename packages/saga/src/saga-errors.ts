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
