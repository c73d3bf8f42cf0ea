import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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

/** Re-export these from the owning service's Drizzle schema (one by one, so drizzle-kit sees them) to migrate them. */
export const sagaTables = { sagas, sagaSteps, sagaCommands };
