import type { CommandSpec, CompensationSpec, SagaStepInput } from '../../src/index.js';

/**
 * Small builders for the test sagas' steps: a step is its kind, a name, who does it and (for a compensatable one)
 * who undoes it. The test sagas read as a list of those, not as copies of the orchestrator's definitions.
 */

/** Who runs a command: a participant and the command it is sent. */
export interface Action<Data> {
  participant: string;
  command: CommandSpec<Data>;
}

export const byOrder = (data: { orderId: string }) => ({ orderId: data.orderId });
export const byCustomerAndOrder = (data: { orderId: string; customerId: string }) => ({
  customerId: data.customerId,
  orderId: data.orderId,
});

/** The builders for one saga's data type (fixed once, so each command's payload is typed against it). */
export const stepsOf = <Data extends { total?: number }>() => ({
  orderDoes: (command: CommandSpec<Data>): Action<Data> => ({ participant: 'order', command }),
  accountDoes: (command: CommandSpec<Data>): Action<Data> => ({ participant: 'account', command }),
  undoneBy: (participant: string, command: CompensationSpec<Data>['command']): CompensationSpec<Data> => ({ participant, command }),
  /** Keeps the order total a participant replied with, for a later step to use. */
  keepTotal: (data: Data, reply: { total: number }): Data => ({ ...data, total: reply.total }),
  compensatable: (name: string, action: Action<Data>, compensation: CompensationSpec<Data>): SagaStepInput<Data> => ({
    name,
    kind: 'compensatable',
    ...action,
    compensation,
  }),
  pivot: (name: string, action: Action<Data>): SagaStepInput<Data> => ({ name, kind: 'pivot', ...action }),
  retriable: (name: string, action: Action<Data>): SagaStepInput<Data> => ({ name, kind: 'retriable', ...action }),
});
