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

const variableOf = (error: ErrorObject): string =>
  error.keyword === 'required' ? String(error.params['missingProperty']) : error.instancePath.replace(/^\//, '');

const SECRET_NAME = /PASSWORD|SECRET|PRIVATE_KEY|API_KEY|(^|_)TOKEN$/i;

/** Echo a bad value to help the operator, but never a secret, nor the credentials inside a URL. */
const showValue = (name: string, value: string | undefined): string => {
  if (SECRET_NAME.test(name)) return '(value hidden)';
  return JSON.stringify((value ?? '').replace(/\/\/[^/@\s]*@/, '//***@'));
};

const describeProblem = (error: ErrorObject, env: Record<string, string | undefined>): string => {
  const name = variableOf(error);
  if (error.keyword === 'required') return `${name} is required but not set`;
  const allowed = error.keyword === 'enum' ? `: ${(error.params['allowedValues'] as unknown[]).join(', ')}` : '';
  return `${name}=${showValue(name, env[name])} is invalid: ${error.message ?? 'bad value'}${allowed}`;
};

/** One line per variable: a value that breaks several rules is still one problem to fix. */
const firstProblemPerVariable = (errors: ErrorObject[]): ErrorObject[] =>
  [...new Map(errors.map((error) => [variableOf(error), error] as const).reverse()).values()].reverse();

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
    throw new ConfigError(firstProblemPerVariable(validate.errors ?? []).map((error) => describeProblem(error, env)));
  }
  return Object.freeze(candidate as Static<S>);
};

/**
 * `parseConfig`, then rules that span several variables (a secret required unless in development mode, a URL
 * allowed only together with another setting). They run once every single value is valid, and report together.
 */
export const parseConfigChecked = <S extends TObject>(
  schema: S,
  env: Record<string, string | undefined>,
  ...checks: Array<(values: Readonly<Static<S>>) => string[]>
): Readonly<Static<S>> => {
  const values = parseConfig(schema, env);
  const problems = checks.flatMap((check) => check(values));
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
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
