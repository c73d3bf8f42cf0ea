import { contractOf, type CommandType, type PayloadOf, type ReplyPayloadOf } from '@ordering/contracts';
import type { StepKind } from './saga-state-machine.js';

/** A participant's positive answer, as the engine sees any: `{ orderId, outcome: 'SUCCEEDED', ...whatever the contract adds }`. */
export type SucceededReply = { outcome: 'SUCCEEDED' } & Record<string, unknown>;

/** The positive answer to command C, typed from its contract's reply schema. */
export type SucceededReplyOf<C extends CommandType> = Extract<ReplyPayloadOf<C>, { outcome: 'SUCCEEDED' }>;

export interface CompensationContext {
  /** Why the saga is being undone: the failing step's reason code, or TIMEOUT. */
  reason: string;
}

/** A command to send: its contract type, and its payload built from the saga's data, as the contract types it. */
export interface CommandSpecOf<Data, C extends CommandType> {
  type: C;
  payload: (data: Data) => PayloadOf<C>;
  /** Folds the success reply into the saga's data (e.g. the order total that the next step debits). */
  onSuccess?: (data: Data, reply: SucceededReplyOf<C>) => Data;
}

/** One of the catalog's commands; its `type` picks the contract that types `payload` and `onSuccess`. */
export type CommandSpec<Data> = { [C in CommandType]: CommandSpecOf<Data, C> }[CommandType];

export interface CompensationCommandOf<Data, C extends CommandType> {
  type: C;
  payload: (data: Data, context: CompensationContext) => PayloadOf<C>;
}

export interface CompensationSpec<Data> {
  participant: string;
  command: { [C in CommandType]: CompensationCommandOf<Data, C> }[CommandType];
}

export interface SagaStepInput<Data> {
  name: string;
  kind: StepKind;
  participant: string;
  command: CommandSpec<Data>;
  compensation?: CompensationSpec<Data>;
}

export interface SagaDefinitionInput<Data> {
  type: string;
  /** The service that receives the replies: every command is sent with `replyTo` set to it. */
  participantsReplyTo: string;
  steps: SagaStepInput<Data>[];
  /**
   * At most one saga of this type per business key that has not ABORTED (a COMPLETED one's effect stands, so it
   * keeps its key): a second start throws SagaAlreadyActiveError, also when both run concurrently.
   */
  oneActivePerKey?: boolean;
}

/**
 * The engine's view of a step. Data is erased to `unknown`: the engine only passes back the data that this same
 * definition produced (and that was stored as JSON), so the typed functions are only ever called with their own Data.
 */
export interface SagaStepDefinition {
  index: number;
  name: string;
  kind: StepKind;
  participant: string;
  command: { type: string; replyType: string; payload: (data: unknown) => unknown };
  onSuccess: (data: unknown, reply: SucceededReply) => unknown;
  compensation: {
    participant: string;
    type: string;
    replyType: string;
    payload: (data: unknown, context: CompensationContext) => unknown;
  } | null;
}

export interface SagaDefinition {
  type: string;
  participantsReplyTo: string;
  steps: readonly SagaStepDefinition[];
  oneActivePerKey: boolean;
}

/**
 * A value an earlier step's onSuccess put into the data, e.g. the order total the debit takes. Steps run in order and
 * the engine stores the folded data before it builds the next command, so a missing value is a broken definition:
 * it fails loudly here instead of sending a default (an amount of 0) to a participant.
 */
export const filledByEarlierStep = <T>(value: T | undefined, name: string): T => {
  if (value === undefined) throw new Error(`saga data has no '${name}': the step that fills it has not succeeded`);
  return value;
};

export class InvalidSagaDefinitionError extends Error {
  readonly problems: string[];
  constructor(type: string, problems: string[]) {
    super(`invalid saga definition '${type}':\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidSagaDefinitionError';
    this.problems = problems;
  }
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** The reply type of a command, checked against the contracts; collects a problem instead of throwing. */
const checkedReplyType = (commandType: string, participant: string, where: string, problems: string[]): string => {
  const contract = contractOf(commandType);
  if (!contract || contract.kind !== 'command' || !contract.replyType) {
    problems.push(`${where}: '${commandType}' is not a command in the contracts`);
    return '';
  }
  if (contract.owner !== participant) {
    problems.push(`${where}: '${commandType}' is handled by '${contract.owner}', not by participant '${participant}'`);
  }
  return contract.replyType;
};

const checkStepOrder = <Data>(steps: SagaStepInput<Data>[], problems: string[]): void => {
  const names = new Set<string>();
  let pointOfNoReturn: string | undefined;
  for (const step of steps) {
    if (!step.name) problems.push('every step needs a name');
    if (names.has(step.name)) problems.push(`step name '${step.name}' is used twice`);
    names.add(step.name);
    if (step.kind === 'compensatable' && !step.compensation) problems.push(`step '${step.name}' is compensatable but has no compensation`);
    if (step.kind !== 'compensatable' && step.compensation)
      problems.push(`step '${step.name}' is ${step.kind} and cannot have a compensation`);
    // Once a step cannot be undone, a later failure could not be undone either: only retriable steps may follow.
    if (pointOfNoReturn && step.kind !== 'retriable') {
      problems.push(`step '${step.name}' follows '${pointOfNoReturn}', which cannot be undone, so it must be retriable`);
    }
    if (step.kind !== 'compensatable') pointOfNoReturn ??= step.name;
  }
};

/** A step's command as the engine calls it, with any command's reply. */
interface ErasedCommand<Data> {
  type: string;
  payload: (data: Data) => unknown;
  onSuccess?: (data: Data, reply: SucceededReply) => Data;
}

/**
 * Sound because the engine folds a reply into the data only when its type is this step's reply type, and the
 * consumer validated its payload against that type's schema before the engine saw it.
 */
const eraseReplyType = <Data>(command: CommandSpec<Data>): ErasedCommand<Data> => command as ErasedCommand<Data>;

/** Validates a saga definition once, at start-up, so a broken definition never reaches a running saga. */
export const defineSaga = <Data extends object>(input: SagaDefinitionInput<Data>): SagaDefinition => {
  const problems: string[] = [];
  if (!input.type) problems.push('the saga needs a type');
  if (!SERVICE_NAME.test(input.participantsReplyTo))
    problems.push(`participantsReplyTo '${input.participantsReplyTo}' is not a service name`);
  if (input.steps.length === 0) problems.push('a saga needs at least one step');
  checkStepOrder(input.steps, problems);

  const steps = input.steps.map((step, index): SagaStepDefinition => {
    const { compensation } = step;
    const command = eraseReplyType(step.command);
    return {
      index,
      name: step.name,
      kind: step.kind,
      participant: step.participant,
      command: {
        type: command.type,
        replyType: checkedReplyType(command.type, step.participant, `step '${step.name}'`, problems),
        payload: command.payload as (data: unknown) => unknown,
      },
      onSuccess: (data, reply) => (command.onSuccess ? command.onSuccess(data as Data, reply) : data),
      compensation: compensation
        ? {
            participant: compensation.participant,
            type: compensation.command.type,
            replyType: checkedReplyType(compensation.command.type, compensation.participant, `compensation of '${step.name}'`, problems),
            payload: compensation.command.payload as (data: unknown, context: CompensationContext) => unknown,
          }
        : null,
    };
  });

  if (problems.length > 0) throw new InvalidSagaDefinitionError(input.type, problems);
  return Object.freeze({
    type: input.type,
    participantsReplyTo: input.participantsReplyTo,
    steps: Object.freeze(steps),
    oneActivePerKey: input.oneActivePerKey ?? false,
  });
};
