/** Stable, documented error codes. Clients match on these, never on messages. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'EMAIL_TAKEN'
  | 'INVALID_CREDENTIALS'
  | 'NOT_FOUND'
  | 'ORDER_NOT_CANCELLABLE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_USE'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'INSUFFICIENT_FUNDS'
  | 'UPSTREAM_UNAVAILABLE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

export interface FieldProblem {
  path: string;
  message: string;
}

const titles: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Request validation failed',
  EMAIL_TAKEN: 'Email already registered',
  INVALID_CREDENTIALS: 'Invalid credentials',
  NOT_FOUND: 'Not found',
  ORDER_NOT_CANCELLABLE: 'Order cannot be cancelled',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused with a different request',
  IDEMPOTENCY_KEY_IN_USE: 'A request with this idempotency key is still in progress',
  RATE_LIMITED: 'Too many requests',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  INSUFFICIENT_FUNDS: 'Insufficient funds',
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
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldProblem[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, status: number, options: AppErrorOptions = {}) {
    super(options.detail ?? titles[code], { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.title = titles[code];
    this.detail = options.detail ?? titles[code];
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

export const validationFailed = (detail: string, errors?: FieldProblem[]): AppError =>
  new AppError('VALIDATION_FAILED', 400, { detail, errors: errors ?? [] });

export const notFound = (detail = 'The requested resource does not exist'): AppError =>
  new AppError('NOT_FOUND', 404, { detail });

export const unauthenticated = (detail = 'A valid bearer token is required'): AppError =>
  new AppError('UNAUTHENTICATED', 401, { detail, headers: { 'www-authenticate': 'Bearer' } });

export const forbidden = (detail = 'Your role does not allow this operation'): AppError =>
  new AppError('FORBIDDEN', 403, { detail });

