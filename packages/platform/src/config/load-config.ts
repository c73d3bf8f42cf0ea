import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Static, TObject } from 'typebox';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Environment values are strings: coerce them to the schema's types and fill documented defaults. */
const ajv = addFormats(new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false }));

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const describeProblem = (error: ErrorObject, env: Record<string, string | undefined>): string => {
  if (error.keyword === 'required') return `${String(error.params['missingProperty'])} is required but not set`;
  const name = error.instancePath.replace(/^\//, '');
  const value = env[name];
  return `${name}=${JSON.stringify(value)} is invalid: ${error.message ?? 'bad value'}`;
};

/** Picks only the schema's variables out of the environment, so unrelated variables never leak in. */
const pickDeclared = (schema: TObject, env: Record<string, string | undefined>): Record<string, string> => {
  const picked: Record<string, string> = {};
  for (const name of Object.keys(schema.properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  return picked;
};

/** Validates the environment against a schema and returns a frozen, typed copy, or throws every problem at once. */
export const parseConfig = <S extends TObject>(schema: S, env: Record<string, string | undefined>): Readonly<Static<S>> => {
  const candidate = pickDeclared(schema, env);
  const validate = ajv.compile(schema);
  if (!validate(candidate)) {
    const problems = (validate.errors ?? []).map((error) => describeProblem(error, env));
    throw new ConfigError([...new Set(problems)]);
  }
  return Object.freeze(candidate as Static<S>);
};

/** For composition roots: a bad value stops the process before it listens, one line per problem. */
export const exitOnConfigError = <T>(service: string, read: () => T): T => {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`${service}: config error: ${problem}\n`);
    process.exit(78);
  }
};
