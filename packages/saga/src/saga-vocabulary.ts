/** The words a saga's rows and its state machine share: statuses, directions, step kinds. */

export const SAGA_STATUSES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'ABORTED'] as const;
export const STEP_STATUSES = ['PENDING', 'RUNNING', 'DONE', 'FAILED', 'COMPENSATED'] as const;
export const DIRECTIONS = ['FORWARD', 'COMPENSATION'] as const;

export type SagaStatus = (typeof SAGA_STATUSES)[number];
export type StepStatus = (typeof STEP_STATUSES)[number];
export type Direction = (typeof DIRECTIONS)[number];

/**
 * - compensatable: can be undone by its compensation; a failure (or a timeout after the last attempt) aborts the saga.
 * - pivot: the go/no-go step. Its explicit failure aborts the saga; it cannot be undone, so it is never timed out.
 * - retriable: after the point of no return; it is retried until it succeeds and never aborts the saga.
 */
export type StepKind = 'compensatable' | 'pivot' | 'retriable';

/** The reason recorded when a step never answered in time. */
export const TIMEOUT_REASON = 'TIMEOUT';
