import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldProblem } from '../errors/app-error.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const baseOptions: Options = { allErrors: true, useDefaults: true, removeAdditional: false, strict: false };

/**
 * Bodies are validated strictly (a string "100" is not an amount), while query strings, params and headers
 * arrive as text and must be coerced. Fastify's default compiler coerces everything and silently strips
 * unknown properties, which would let bad input through, so we use two compilers.
 */
const strictAjv = addFormats(new Ajv({ ...baseOptions, coerceTypes: false }));
const coercingAjv = addFormats(new Ajv({ ...baseOptions, coerceTypes: 'array' }));

export const compileValidator: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};

const describe = (error: ErrorObject): FieldProblem => {
  const base = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const join = (name: string): string => (base ? `${base}.${name}` : name);
  switch (error.keyword) {
    case 'required':
      return { path: join(String(error.params['missingProperty'])), message: 'is required' };
    case 'additionalProperties':
      return { path: join(String(error.params['additionalProperty'])), message: 'is not an allowed property' };
    default:
      return { path: base || '(root)', message: error.message ?? 'is invalid' };
  }
};

export const describeValidationErrors = (context: string | undefined, errors: ErrorObject[]): FieldProblem[] =>
  errors.map(describe).map((problem) => ({ ...problem, path: context ? `${context}.${problem.path}` : problem.path }));
