import { contractOf, EnvelopeSchema, maySend, type Envelope } from '@ordering/contracts';
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

type PayloadCheck = (payload: unknown) => Validation<unknown>;

const compiledPayloadChecks = new Map<string, PayloadCheck>();

/** Compiled once per type for the whole process; undefined for a type outside the catalog. */
const payloadCheckOf = (type: string): PayloadCheck | undefined => {
  const known = compiledPayloadChecks.get(type);
  if (known) return known;
  const contract = contractOf(type);
  if (!contract) return undefined;
  const validate = ajv.compile(contract.schema);
  const check: PayloadCheck = (payload) =>
    validate(payload)
      ? { valid: true, value: payload }
      : { valid: false, error: `The payload does not match the ${type} contract: ${problemsOf(validate, 'payload')}` };
  compiledPayloadChecks.set(type, check);
  return check;
};

/** Payload validators for the given types, compiled when the consumer is created. */
export const compilePayloadValidators = (types: string[]): Map<string, PayloadCheck> =>
  new Map(
    types.map((type) => {
      const check = payloadCheckOf(type);
      if (!check) throw new Error(`A handler is registered for '${type}', which is not in the message catalog`);
      return [type, check] as const;
    }),
  );

/**
 * Everything a consumer would check of a message addressed to `destination`, before anyone sends it: a repaired
 * dead letter is refused here, with the reason, instead of being parked again (or looping) after the replay.
 */
export const checkMessage = (value: unknown, destination: string): Validation<Envelope> => {
  const envelope = checkEnvelope(value);
  if (!envelope.valid) return envelope;
  const message = envelope.value;
  if (message.destination !== destination)
    return { valid: false, error: `The message is addressed to '${message.destination}', not '${destination}'` };
  const payloadCheck = payloadCheckOf(message.type);
  if (!payloadCheck) return { valid: false, error: `'${message.type}' is not a message type of the catalog` };
  if (!maySend(message.source, message.type)) return { valid: false, error: `'${message.source}' may not send ${message.type}` };
  const payload = payloadCheck(message.payload);
  return payload.valid ? envelope : payload;
};
