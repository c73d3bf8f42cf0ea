import type { FieldProblem } from './app-error.js';

/** RFC 9457 body. `code` is our stable machine-readable extension member. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldProblem[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const TYPE_BASE = 'https://errors.ordering.example/';

export const toProblemType = (code: string): string => `${TYPE_BASE}${code.toLowerCase().replaceAll('_', '-')}`;

export const buildProblem = (input: Omit<ProblemDetails, 'type'>): ProblemDetails => ({
  type: toProblemType(input.code),
  ...input,
});
