import { type Lang, pick, type Text } from '../i18n/index.js';

/**
 * Stable error codes (WD_ERR_<AREA>_<REASON>) mapped to HTTP status in one place, and
 * rendered as RFC 9457 problem details.
 */

export const ERROR_CODES = {
  WD_ERR_VALIDATION: { status: 400, title: 'Request is not valid', zh: '请求内容不符合要求' },
  WD_ERR_BAD_JSON: { status: 400, title: 'Request body is not valid JSON', zh: '请求内容不是有效的 JSON' },
  WD_ERR_AUTH_REQUIRED: { status: 401, title: 'Authentication required', zh: '需要登录' },
  WD_ERR_AUTH_INVALID_CREDENTIALS: { status: 401, title: 'Invalid username or password', zh: '用户名或密码错误' },
  WD_ERR_AUTH_TOKEN_INVALID: { status: 401, title: 'Token is invalid or has expired', zh: '登录已失效，请重新登录' },
  WD_ERR_AUTH_LOCKED: { status: 423, title: 'Account is locked after repeated failed logins', zh: '多次登录失败，账号已暂时锁定' },
  WD_ERR_AUTH_DISABLED: { status: 403, title: 'Account is disabled', zh: '账号已停用' },
  WD_ERR_AUTH_PASSWORD_POLICY: { status: 400, title: 'Password does not meet the password policy', zh: '密码不符合密码规则' },
  WD_ERR_FORBIDDEN: { status: 403, title: 'Not permitted for your role', zh: '您的角色无此权限' },
  WD_ERR_PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'Change your temporary password first', zh: '请先修改临时密码' },
  WD_ERR_OUT_OF_SCOPE: { status: 403, title: 'Outside your data scope', zh: '超出您的数据范围' },
  WD_ERR_READ_ONLY: { status: 403, title: 'You may read this record but not change it', zh: '您对此记录只有查看权限' },
  WD_ERR_NOT_FOUND: { status: 404, title: 'Not found', zh: '未找到' },
  WD_ERR_ROUTE_NOT_FOUND: { status: 404, title: 'No such route', zh: '没有这个接口' },
  WD_ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed', zh: '不支持此请求方法' },
  WD_ERR_CONFLICT: { status: 409, title: 'Conflict with the current state', zh: '与当前状态冲突' },
  WD_ERR_VERSION_CONFLICT: { status: 409, title: 'Changed by someone else since you read it', zh: '您读取之后已被他人修改' },
  WD_ERR_BODY_TOO_LARGE: { status: 413, title: 'Request body is too large', zh: '请求内容过大' },
  WD_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type', zh: '不支持的内容类型' },
  WD_ERR_UNPROCESSABLE: { status: 422, title: 'Request cannot be carried out', zh: '请求无法执行' },
  WD_ERR_IDENTITY_MISMATCH: { status: 422, title: 'Identity could not be verified', zh: '身份核验未通过' },
  WD_ERR_CODE_INVALID: { status: 400, title: 'The one-time code is wrong or has expired', zh: '验证码错误或已过期' },
  WD_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests', zh: '请求过于频繁' },
  WD_ERR_INTERNAL: { status: 500, title: 'Internal error', zh: '内部错误' },
  WD_ERR_UNAVAILABLE: { status: 503, title: 'Service unavailable', zh: '服务暂不可用' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  /** JSON pointer of the field, e.g. /body/username. */
  pointer: string;
  /** The field and what is wrong with it, in words (both languages, or one string for both). */
  detail: string | Text;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string | Text,
    readonly extra: { errors?: FieldError[]; [k: string]: unknown } = {},
  ) {
    super(detail === undefined ? ERROR_CODES[code].title : pick(detail, 'en'));
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
  errors?: { pointer: string; detail: string }[];
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

/**
 * The problem details of `code` in `lang` (Chinese unless the caller asked for English): the
 * title, the detail and each field error's detail in that language.
 */
export function problem(
  code: ErrorCode,
  opts: { detail?: string | Text; instance?: string; extra?: Record<string, unknown>; lang?: Lang } = {},
): ProblemDetails {
  const { status } = ERROR_CODES[code];
  const lang = opts.lang ?? 'zh';
  const title = lang === 'zh' ? ERROR_CODES[code].zh : ERROR_CODES[code].title;
  const extra = { ...(opts.extra ?? {}) };
  if (Array.isArray(extra.errors)) extra.errors = (extra.errors as FieldError[]).map((e) => ({ ...e, detail: pick(e.detail, lang) }));
  return {
    type: `${PROBLEM_TYPE_BASE}${code
      .toLowerCase()
      .replace(/^wd_err_/, '')
      .replace(/_/g, '-')}`,
    title,
    status,
    code,
    ...(opts.detail ? { detail: pick(opts.detail, lang) } : {}),
    ...(opts.instance ? { instance: opts.instance } : {}),
    ...extra,
  };
}

/** What a record is called, for "not found": a plain English noun or both languages. */
type What = string | Text;
const NOUNS: Record<string, string> = {
  Alert: '预警',
  Allocation: '资源调配',
  Endpoint: '通知地址',
  Incident: '事件',
  'Maintenance window': '维护时段',
  Task: '任务',
  'API key': '接口密钥',
  Department: '部门',
  'Device type': '设备类型',
  Device: '设备',
  Indicator: '指标',
  Plan: '预案',
  Resource: '资源',
  Rule: '规则',
  User: '用户',
  'Workflow instance': '流程实例',
  Workflow: '流程',
};
const notFoundText = (what: What, id: string): Text => {
  const w = typeof what === 'string' ? { zh: NOUNS[what] ?? what, en: what } : what;
  return { zh: `${w.zh} ${id} 不存在`, en: `${w.en} ${id} does not exist` };
};

export const notFound = (what: What, id: string) => new AppError('WD_ERR_NOT_FOUND', notFoundText(what, id));

/**
 * A record that exists but lies outside the caller's data scope. It answers exactly as an unknown
 * id does (404, the same text), so ids cannot be probed; the platform still audits it as a denied
 * access (see the error handler in http.ts).
 */
export class OutOfScopeNotFound extends AppError {
  readonly outOfScope = true;
  constructor(what: What, id: string) {
    super('WD_ERR_NOT_FOUND', notFoundText(what, id));
  }
}

/** The 404 for a record outside the caller's scope: the same answer as notFound(what, id). */
export const hiddenNotFound = (what: What, id: string) => new OutOfScopeNotFound(what, id);
