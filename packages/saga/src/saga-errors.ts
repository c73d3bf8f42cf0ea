export class UnknownSagaTypeError extends Error {
  readonly sagaType: string;
  constructor(sagaType: string) {
    super(`no saga definition for type '${sagaType}'`);
    this.name = 'UnknownSagaTypeError';
    this.sagaType = sagaType;
  }
}

/** A saga of a `oneActivePerKey` type already holds this business key (it has not ABORTED), e.g. a second cancellation. */
export class SagaAlreadyActiveError extends Error {
  readonly sagaType: string;
  readonly businessKey: string;
  constructor(sagaType: string, businessKey: string) {
    super(`a ${sagaType} saga already exists for key ${businessKey}`);
    this.name = 'SagaAlreadyActiveError';
    this.sagaType = sagaType;
    this.businessKey = businessKey;
  }
}

/**
 * The saga changed between the read and the write. Under the row lock this cannot happen; if it does, the
 * transaction must roll back: the consumer gets the message again, the sweeper tries on its next pass.
 */
export class SagaVersionConflictError extends Error {
  readonly sagaId: string;
  readonly expectedVersion: number;
  constructor(sagaId: string, expectedVersion: number) {
    super(`saga ${sagaId} is no longer at version ${expectedVersion}`);
    this.name = 'SagaVersionConflictError';
    this.sagaId = sagaId;
    this.expectedVersion = expectedVersion;
  }
}
