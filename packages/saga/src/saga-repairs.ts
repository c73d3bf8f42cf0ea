/**
 * The repairs an operator may ask of a saga the engine cannot finish alone. Which one is legal depends only on the
 * saga's state, so the rule lives here, beside the state machine, and the console offers exactly what it returns.
 */

import type { SagaState } from './saga-state-machine.js';

export const REPAIR_ACTIONS = ['retry-now', 'force-compensation', 'mark-compensated'] as const;
export type RepairAction = (typeof REPAIR_ACTIONS)[number];

/** The reason a saga aborted by an operator's forced compensation ends with. */
export const FORCED_COMPENSATION_REASON = 'COMPENSATION_FORCED';

/** Why each repair may be asked, for the error that refuses it elsewhere. */
export const REPAIR_RULES: Readonly<Record<RepairAction, string>> = {
  'retry-now': 'only while the saga is RUNNING or COMPENSATING (it sends the command in flight again, now)',
  'force-compensation': 'only while the saga is RUNNING a step that can be undone (it gives that step up and compensates)',
  'mark-compensated': 'only while the saga is COMPENSATING (the operator settled the step in flight by hand)',
};

const isRepairLegal = (state: SagaState, action: RepairAction): boolean => {
  switch (action) {
    case 'retry-now':
      return state.status === 'RUNNING' || state.status === 'COMPENSATING';
    case 'force-compensation':
      return state.status === 'RUNNING' && state.steps[state.currentStep]?.kind === 'compensatable';
    case 'mark-compensated':
      return state.status === 'COMPENSATING';
  }
};

/** The repairs the engine accepts for a saga in this state, in a stable order. */
export const legalRepairs = (state: SagaState): RepairAction[] => REPAIR_ACTIONS.filter((action) => isRepairLegal(state, action));
