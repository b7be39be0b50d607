/**
 * Stable error codes (WD_ERR_<AREA>_<REASON>) mapped to HTTP status in one place, and
 * rendered as RFC 9457 problem details.
 */

export const ERROR_CODES = {
  WD_ERR_VALIDATION: { status: 400, title: 'Request is not valid' },
  WD_ERR_BAD_JSON: { status: 400, title: 'Request body is not valid JSON' },
  WD_ERR_AUTH_REQUIRED: { status: 401, title: 'Authentication required' },
  WD_ERR_AUTH_INVALID_CREDENTIALS: { status: 401, title: 'Invalid username or password' },
  WD_ERR_AUTH_TOKEN_INVALID: { status: 401, title: 'Token is invalid or has expired' },
  WD_ERR_AUTH_LOCKED: { status: 423, title: 'Account is locked after repeated failed logins' },
  WD_ERR_AUTH_DISABLED: { status: 403, title: 'Account is disabled' },
  WD_ERR_AUTH_PASSWORD_POLICY: { status: 400, title: 'Password does not meet the password policy' },
  WD_ERR_FORBIDDEN: { status: 403, title: 'Not permitted for your role' },
  WD_ERR_PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'Change your temporary password first' },
  WD_ERR_OUT_OF_SCOPE: { status: 403, title: 'Outside your data scope' },
  WD_ERR_NOT_FOUND: { status: 404, title: 'Not found' },
  WD_ERR_ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  WD_ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  WD_ERR_CONFLICT: { status: 409, title: 'Conflict with the current state' },
  WD_ERR_VERSION_CONFLICT: { status: 409, title: 'Changed by someone else since you read it' },
  WD_ERR_BODY_TOO_LARGE: { status: 413, title: 'Request body is too large' },
  WD_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  WD_ERR_UNPROCESSABLE: { status: 422, title: 'Request cannot be carried out' },
  WD_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  WD_ERR_INTERNAL: { status: 500, title: 'Internal error' },
  WD_ERR_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  /** JSON pointer of the field, e.g. /body/username. */
  pointer: string;
  detail: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extra: { errors?: FieldError[]; [k: string]: unknown } = {},
  ) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [k: string]: unknown;
}

/** Problem types are relative URIs served by the platform itself: GET /problems/<slug>. */
export const PROBLEM_TYPE_BASE = '/problems/';

export function problemSlug(code: ErrorCode): string {
  return code
    .toLowerCase()
    .replace(/^wd_err_/, '')
    .replace(/_/g, '-');
}

export function problem(code: ErrorCode, opts: { detail?: string; instance?: string; extra?: Record<string, unknown> } = {}): ProblemDetails {
  const { status, title } = ERROR_CODES[code];
  return {
    type: `${PROBLEM_TYPE_BASE}${code
      .toLowerCase()
      .replace(/^wd_err_/, '')
      .replace(/_/g, '-')}`,
    title,
    status,
    code,
    ...(opts.detail ? { detail: opts.detail } : {}),
    ...(opts.instance ? { instance: opts.instance } : {}),
    ...(opts.extra ?? {}),
  };
}

export const notFound = (what: string, id: string) => new AppError('WD_ERR_NOT_FOUND', `${what} ${id} does not exist`);

/**
 * A record that exists but lies outside the caller's data scope. It answers exactly as an unknown
 * id does (404, the same text), so ids cannot be probed; the platform still audits it as a denied
 * access (see the error handler in http.ts).
 */
export class OutOfScopeNotFound extends AppError {
  readonly outOfScope = true;
  constructor(what: string, id: string) {
    super('WD_ERR_NOT_FOUND', `${what} ${id} does not exist`);
  }
}

/** The 404 for a record outside the caller's scope: the same answer as notFound(what, id). */
export const hiddenNotFound = (what: string, id: string) => new OutOfScopeNotFound(what, id);
