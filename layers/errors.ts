// Domain errors carry a code, never an HTTP status; endpoints map codes to statuses in one place.

export const errorCodes = ['VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED', 'INTERNAL', 'UNAVAILABLE'] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[];
  /** Seconds until a rate-limited caller may retry. */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { errors?: FieldError[]; retryAfter?: number } = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.errors = opts.errors ?? [];
    this.retryAfter = opts.retryAfter;
  }
}

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'you do not have permission to do this') => new DomainError('FORBIDDEN', message);
export const invalid = (field: string, message: string) =>
  new DomainError('VALIDATION', `${field}: ${message}`, { errors: [{ field, message }] });
