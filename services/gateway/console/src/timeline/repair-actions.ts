import type { RepairAction } from '../api/admin-types.js';

export interface RepairDescription {
  action: RepairAction;
  label: string;
  explanation: string;
}

/** In the order an operator should consider them: the gentlest first. */
export const REPAIRS: readonly RepairDescription[] = [
  {
    action: 'retry-now',
    label: 'Retry now',
    explanation: 'The command in flight is sent again now (next attempt, new message id), and its deadline starts over.',
  },
  {
    action: 'force-compensation',
    label: 'Force compensation',
    explanation: 'The current step is marked FAILED and undone with the steps done before it; the saga ends ABORTED (COMPENSATION_FORCED).',
  },
  {
    action: 'mark-compensated',
    label: 'Mark compensated',
    explanation:
      'The compensation in flight counts as done without its reply: only when you know the participant undid it. The saga goes on to the next step to undo.',
  },
];
