import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { DIRECTIONS, SAGA_STATUSES, STEP_STATUSES } from './saga-state-machine.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

const oneOf = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '));

/**
 * One row per saga instance: everything the engine needs to resume it after a restart. Every update checks and
 * bumps `version`, so two writers can never both apply a transition computed from the same state.
 */
export const sagas = pgTable(
  'sagas',
  {
    id: uuid('id').primaryKey(),
    type: text('type').notNull(),
    status: text('status', { enum: SAGA_STATUSES }).notNull(),
    currentStep: integer('current_step').notNull(),
    data: jsonb('data').notNull(),
    reason: text('reason'),
    version: integer('version').notNull(),
    /** Sends of the command in flight (forward or compensation); drives the timeout policy. */
    stepAttempt: integer('step_attempt').notNull(),
    /** When the sweeper should look again if no reply arrives; null once terminal. */
    deadlineAt: timestamptz('deadline_at'),
    /** Who the saga belongs to (a customer id, ...): listings filter by it. */
    ownerId: text('owner_id').notNull(),
    /** What the saga is about, in the owning service's terms (an order id, ...): `oneActivePerKey` counts by it. */
    businessKey: text('business_key').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    finishedAt: timestamptz('finished_at'),
  },
  (table) => [
    // No index may cover a column that every transition changes (deadline_at, updated_at, version, data, ...): the
    // update of a saga that moves on to its next step is then a HOT update, which writes no index entries at all.
    // The sweeper finds the running sagas through this one (status only changes when a saga compensates or ends).
    index('sagas_created_idx').on(table.createdAt.desc(), table.id.desc()),
    index('sagas_status_created_idx').on(table.status, table.createdAt.desc(), table.id.desc()),
    index('sagas_type_created_idx').on(table.type, table.createdAt.desc(), table.id.desc()),
    // The admin console's filters and search (owner, business key and reason never change on a HOT update path:
    // owner and key are written once, reason only changes together with status).
    index('sagas_owner_created_idx').on(table.ownerId, table.createdAt.desc(), table.id.desc()),
    index('sagas_business_key_idx').on(table.businessKey),
    index('sagas_reason_created_idx')
      .on(table.reason, table.createdAt.desc(), table.id.desc())
      .where(sql`${table.reason} is not null`),
    // The retention pass looks for sagas finished before a cutoff; running sagas have no finished_at and stay out.
    index('sagas_finished_idx')
      .on(table.finishedAt)
      .where(sql`${table.finishedAt} is not null`),
    check('sagas_status_known', sql`${table.status} in (${oneOf(SAGA_STATUSES)})`),
    check('sagas_current_step_non_negative', sql`${table.currentStep} >= 0`),
  ],
);

/** The step history shown by the API: one row per definition step, with the time of its last change. */
export const sagaSteps = pgTable(
  'saga_steps',
  {
    sagaId: uuid('saga_id')
      .notNull()
      .references(() => sagas.id, { onDelete: 'cascade' }),
    stepIndex: integer('step_index').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: STEP_STATUSES }).notNull(),
    /** Forward sends, including resends after a timeout. */
    attempts: integer('attempts').notNull().default(0),
    /** Compensation sends, including resends after a failure or a timeout. */
    compensationAttempts: integer('compensation_attempts').notNull().default(0),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.sagaId, table.stepIndex] }),
    check('saga_steps_status_known', sql`${table.status} in (${oneOf(STEP_STATUSES)})`),
  ],
);

/**
 * Every command the engine sent, by message id. A reply names the command it answers (its causationId), which
 * tells which step and direction it is about; a resend adds a row, so a late reply to the first send still matches.
 */
export const sagaCommands = pgTable(
  'saga_commands',
  {
    messageId: uuid('message_id').primaryKey(),
    sagaId: uuid('saga_id')
      .notNull()
      .references(() => sagas.id, { onDelete: 'cascade' }),
    stepIndex: integer('step_index').notNull(),
    direction: text('direction', { enum: DIRECTIONS }).notNull(),
    attempt: integer('attempt').notNull(),
    sentAt: timestamptz('sent_at').notNull().defaultNow(),
    /** The send's W3C trace context: a resend by the sweeper carries it, so it stays in the saga's trace. */
    traceHeaders: jsonb('trace_headers').$type<{ traceparent?: string; tracestate?: string }>().notNull().default({}),
  },
  (table) => [
    index('saga_commands_saga_idx').on(table.sagaId),
    check('saga_commands_direction_known', sql`${table.direction} in (${oneOf(DIRECTIONS)})`),
  ],
);

/** What happened to a saga, in order: its start, each reply and passed deadline it acted on, and each operator repair. */
export const SAGA_HISTORY_EVENTS = ['started', 'reply', 'deadline', 'repair'] as const;
export type SagaHistoryEvent = (typeof SAGA_HISTORY_EVENTS)[number];

/**
 * The saga's history, one row per transition, written in the transaction that applies it: the timeline an operator
 * reads, and the audit record (who, when, why) of every repair.
 */
export const sagaHistory = pgTable(
  'saga_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sagaId: uuid('saga_id')
      .notNull()
      .references(() => sagas.id, { onDelete: 'cascade' }),
    at: timestamptz('at').notNull().defaultNow(),
    event: text('event', { enum: SAGA_HISTORY_EVENTS }).notNull(),
    /** The step the reply, deadline or repair was about. */
    stepIndex: integer('step_index'),
    direction: text('direction', { enum: DIRECTIONS }),
    /** A reply's SUCCEEDED or FAILED; a repair's action (`retry-now`, `force-compensation`, `mark-compensated`). */
    outcome: text('outcome'),
    /** The reply's message id (for a reply). */
    messageId: uuid('message_id'),
    /** A failed reply's reason, or the operator's why for a repair. */
    reason: text('reason'),
    /** Who repaired: the admin's subject (customer id). Null for everything the engine did by itself. */
    actor: text('actor'),
    statusBefore: text('status_before', { enum: SAGA_STATUSES }).notNull(),
    statusAfter: text('status_after', { enum: SAGA_STATUSES }).notNull(),
    /** The state machine's note for the transition (`advanced`, `resent`, `timed-out`, ...). */
    note: text('note'),
  },
  (table) => [
    index('saga_history_saga_idx').on(table.sagaId, table.id),
    check('saga_history_event_known', sql`${table.event} in (${oneOf(SAGA_HISTORY_EVENTS)})`),
  ],
);

/** Re-export these from the owning service's Drizzle schema (one by one, so drizzle-kit sees them) to migrate them. */
export const sagaTables = { sagas, sagaSteps, sagaCommands, sagaHistory };
