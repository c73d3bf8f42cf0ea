import { contractOf, EnvelopeSchema, type Envelope } from '@ordering/contracts';
import { describeValidationErrors } from '@ordering/platform';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Messages are validated as they are: no coercion, no defaults, no stripping of unknown properties. */
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false, removeAdditional: false }));
const validateEnvelope = ajv.compile(EnvelopeSchema);

export type Validation<T> = { valid: true; value: T } | { valid: false; error: string };

const problemsOf = (validate: ValidateFunction, context: string): string =>
  describeValidationErrors(context, validate.errors ?? [])
    .map((problem) => `${problem.path}: ${problem.message}`)
    .join('; ');

export const checkEnvelope = (message: unknown): Validation<Envelope> =>
  validateEnvelope(message)
    ? { valid: true, value: message as Envelope }
    : { valid: false, error: `The message is not a valid envelope: ${problemsOf(validateEnvelope, 'envelope')}` };

/** Payload validators for the given types, compiled once when the consumer is created. */
export const compilePayloadValidators = (types: string[]): Map<string, (payload: unknown) => Validation<unknown>> =>
  new Map(
    types.map((type) => {
      const contract = contractOf(type);
      if (!contract) throw new Error(`A handler is registered for '${type}', which is not in the message catalog`);
      const validate = ajv.compile(contract.schema);
      const check = (payload: unknown): Validation<unknown> =>
        validate(payload)
          ? { valid: true, value: payload }
          : { valid: false, error: `The payload does not match the ${type} contract: ${problemsOf(validate, 'payload')}` };
      return [type, check] as const;
    }),
  );
