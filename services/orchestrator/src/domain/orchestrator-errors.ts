import { declareErrorCodes } from '@ordering/contracts';

/** The business errors the orchestrator raises (the generic ones are the platform's). */
export const OrchestratorErrors = declareErrorCodes({
  ORDER_NOT_CANCELLABLE: 'Order cannot be cancelled',
  REPAIR_NOT_ALLOWED: "The saga's state does not allow this repair",
});
