import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { AppError, isAppError, type GenericErrorCode } from '../errors/app-error.js';
import { buildProblem, PROBLEM_CONTENT_TYPE, type ProblemDetails } from '../errors/problem-details.js';
import { describeValidationErrors } from './schema-validation.js';
import { isConnectivityFailure } from '../db/database-errors.js';
import { drainModestOversizedBody } from './oversized-body.js';

const codeByStatus: Record<number, GenericErrorCode> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

const sendProblem = (reply: FastifyReply, request: FastifyRequest, problem: Omit<ProblemDetails, 'type'>) =>
  reply
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(buildProblem({ ...problem, instance: request.url.split('?')[0] ?? request.url }));

const fromAppError = (error: AppError): Omit<ProblemDetails, 'type'> => ({
  title: error.title,
  status: error.status,
  detail: error.detail,
  code: error.code,
  ...(error.errors ? { errors: error.errors } : {}),
});

const fromValidation = (error: FastifyError): Omit<ProblemDetails, 'type'> => ({
  title: 'Request validation failed',
  status: 400,
  detail: `The request ${error.validationContext ?? 'input'} is invalid`,
  code: 'VALIDATION_FAILED',
  errors: describeValidationErrors(error.validationContext, (error.validation ?? []) as ErrorObject[]),
});

/** Framework errors (bad JSON, body too large, wrong media type) carry safe client-facing messages. */
const fromClientError = (error: FastifyError, status: number): Omit<ProblemDetails, 'type'> => {
  const code = codeByStatus[status] ?? 'VALIDATION_FAILED';
  const detail = code === 'PAYLOAD_TOO_LARGE' ? 'The request body exceeds the size limit' : error.message;
  return { title: new AppError(code, status).title, status, detail, code };
};

const databaseUnavailable: Omit<ProblemDetails, 'type'> = {
  title: 'Service unavailable',
  status: 503,
  detail: 'A dependency is temporarily unavailable. Retry shortly (with the same Idempotency-Key, where one applies).',
  code: 'SERVICE_UNAVAILABLE',
};

const internal: Omit<ProblemDetails, 'type'> = {
  title: 'Internal server error',
  status: 500,
  detail: 'An unexpected error occurred. It has been logged.',
  code: 'INTERNAL',
};

/** The one place where any thrown error becomes an RFC 9457 response. 5xx bodies never leak internals. */
export const registerErrorHandling = (app: FastifyInstance): void => {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (isAppError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, error.detail);
      return sendProblem(reply.headers(error.headers), request, fromAppError(error));
    }
    if (error.validation) return sendProblem(reply, request, fromValidation(error));
    const status = error.statusCode ?? 500;
    if (status === 413) drainModestOversizedBody(request, reply);
    if (status >= 400 && status < 500) return sendProblem(reply, request, fromClientError(error, status));
    // The database going away (a restart, a failover) is an outage the client may retry, not a bug.
    if (isConnectivityFailure(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return sendProblem(reply.header('retry-after', '1'), request, databaseUnavailable);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, internal);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, {
      title: 'Not found',
      status: 404,
      detail: `No route ${request.method} ${request.url.split('?')[0]}`,
      code: 'NOT_FOUND',
    }),
  );
};
