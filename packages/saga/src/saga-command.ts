import { contractOf, type Envelope } from '@ordering/contracts';
import { createEnvelope } from '@ordering/messaging';
import { Value } from 'typebox/value';
import type { SagaDefinition } from './saga-definition.js';
import type { CommandToSend } from './saga-state-machine.js';

export interface CommandContext {
  service: string;
  sagaId: string;
  data: unknown;
  reason: string | null;
  /** The reply that led to this command, if any. */
  causationId: string | null;
  headers: Envelope['headers'];
}

/** The envelope of a step's command or compensation: every message of a saga carries the saga id as correlation. */
export const buildCommand = (definition: SagaDefinition, send: CommandToSend, context: CommandContext): Envelope => {
  const step = definition.steps[send.stepIndex];
  if (!step) throw new Error(`saga '${definition.type}' has no step ${send.stepIndex}`);
  const target =
    send.direction === 'FORWARD'
      ? { type: step.command.type, destination: step.participant, payload: step.command.payload(context.data) }
      : compensationOf(definition.type, step, context);
  assertMatchesContract(definition.type, target.type, target.payload);
  return createEnvelope({
    ...target,
    source: context.service,
    correlationId: context.sagaId,
    causationId: context.causationId,
    replyTo: definition.participantsReplyTo,
    headers: context.headers,
  });
};

const compensationOf = (sagaType: string, step: SagaDefinition['steps'][number], context: CommandContext) => {
  if (!step.compensation) throw new Error(`step '${step.name}' of saga '${sagaType}' has no compensation`);
  return {
    type: step.compensation.type,
    destination: step.compensation.participant,
    payload: step.compensation.payload(context.data, { reason: context.reason ?? 'UNKNOWN' }),
  };
};

/**
 * The receiving consumer would dead-letter a payload that breaks its contract; refusing it here instead keeps
 * the bug next to its cause (a definition's payload builder) and out of the outbox.
 */
const assertMatchesContract = (sagaType: string, type: string, payload: unknown): void => {
  const contract = contractOf(type);
  if (contract && Value.Check(contract.schema, payload)) return;
  const problems = contract
    ? [...Value.Errors(contract.schema, payload)].slice(0, 3).map((error) => `${error.instancePath || '/'} ${error.message}`)
    : ['unknown type'];
  throw new Error(`saga '${sagaType}' built a ${type} payload that breaks its contract: ${problems.join('; ')}`);
};
