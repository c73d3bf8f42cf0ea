import type { DeclaredErrorCode } from '@ordering/contracts';

/**
 * The generic codes, raised by the platform itself or meaning the same in every service. A service declares its own
 * business codes with contracts' `declareErrorCodes`, in its domain. Clients match on codes, never on messages.
 */
export type GenericErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_USE'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'UPSTREAM_UNAVAILABLE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

export interface FieldProblem {
  path: string;
  message: string;
}

const GENERIC_TITLES: Readonly<Record<GenericErrorCode, string>> = {
  VALIDATION_FAILED: 'Request validation failed',
  NOT_FOUND: 'Not found',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused with a different request',
  IDEMPOTENCY_KEY_IN_USE: 'A request with this idempotency key is still in progress',
  RATE_LIMITED: 'Too many requests',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  UPSTREAM_UNAVAILABLE: 'Upstream service unavailable',
  SERVICE_UNAVAILABLE: 'Service unavailable',
  INTERNAL: 'Internal server error',
};

export interface AppErrorOptions {
  detail?: string;
  errors?: FieldProblem[];
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The one error type services throw for expected failures; the error handler maps it to problem+json. */
export class AppError extends Error {
  /** A generic code or one the raising service declared. */
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldProblem[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: GenericErrorCode | DeclaredErrorCode, status: number, options: AppErrorOptions = {}) {
    const { code: name, title } = typeof code === 'string' ? { code, title: GENERIC_TITLES[code] } : code;
    super(options.detail ?? title, { cause: options.cause });
    this.name = 'AppError';
    this.code = name;
    this.status = status;
    this.title = title;
    this.detail = options.detail ?? title;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

export const validationFailed = (detail: string, errors?: FieldProblem[]): AppError =>
  new AppError('VALIDATION_FAILED', 400, { detail, errors: errors ?? [] });

export const notFound = (detail = 'The requested resource does not exist'): AppError => new AppError('NOT_FOUND', 404, { detail });

export const unauthenticated = (detail = 'A valid bearer token is required'): AppError =>
  new AppError('UNAUTHENTICATED', 401, { detail, headers: { 'www-authenticate': 'Bearer' } });

export const forbidden = (detail = 'Your role does not allow this operation'): AppError => new AppError('FORBIDDEN', 403, { detail });
