/**
 * Why a request was refused, in words: JSON Schema (Ajv) errors become "field: reason" in the
 * caller's language, never a regex or schema text. Fields are named from a dictionary of the
 * platform's common field names, which modules extend with their own (`fieldLabels`); a pattern
 * is described by the hint registered for it (`patternHints`), or as "not in the accepted format".
 */
import { type Text, text } from '../i18n/index.js';

const LABELS = new Map<string, Text>(
  Object.entries({
    username: text('用户名', 'user name'),
    password: text('密码', 'password'),
    currentPassword: text('当前密码', 'current password'),
    newPassword: text('新密码', 'new password'),
    refreshToken: text('刷新令牌', 'refresh token'),
    name: text('名称', 'name'),
    displayName: text('姓名', 'name'),
    zh: text('中文名称', 'Chinese name'),
    en: text('英文名称', 'English name'),
    title: text('标题', 'title'),
    description: text('描述', 'description'),
    text: text('内容', 'text'),
    note: text('备注', 'note'),
    comment: text('意见', 'comment'),
    reason: text('原因', 'reason'),
    phone: text('电话', 'phone'),
    contact: text('联系人', 'contact'),
    address: text('地址', 'address'),
    url: text('地址（URL）', 'URL'),
    department: text('部门', 'department'),
    departments: text('部门', 'departments'),
    district: text('区县', 'district'),
    districts: text('区县', 'districts'),
    roles: text('角色', 'roles'),
    role: text('角色', 'role'),
    permissions: text('权限', 'permissions'),
    code: text('代码', 'code'),
    id: text('编号', 'ID'),
    type: text('类型', 'type'),
    kind: text('种类', 'kind'),
    subkind: text('事件类型', 'incident type'),
    status: text('状态', 'status'),
    level: text('级别', 'level'),
    severity: text('严重程度', 'severity'),
    location: text('位置', 'location'),
    lon: text('经度', 'longitude'),
    lat: text('纬度', 'latitude'),
    date: text('日期', 'date'),
    year: text('年份', 'year'),
    from: text('开始时间', 'start'),
    to: text('结束时间', 'end'),
    startsAt: text('开始时间', 'start'),
    endsAt: text('结束时间', 'end'),
    expiresAt: text('到期时间', 'expiry'),
    limit: text('条数上限', 'limit'),
    offset: text('偏移', 'offset'),
    q: text('搜索词', 'search'),
    tags: text('标签', 'tags'),
    enabled: text('启用', 'enabled'),
    threshold: text('阈值', 'threshold'),
    unit: text('单位', 'unit'),
    value: text('数值', 'value'),
    quantity: text('数量', 'quantity'),
    owner: text('权属单位', 'owner'),
    domain: text('领域', 'domain'),
    source: text('来源', 'source'),
    task: text('任务', 'task'),
    tasks: text('任务', 'tasks'),
    plan: text('预案', 'plan'),
    planId: text('预案', 'plan'),
    rule: text('规则', 'rule'),
    ruleId: text('规则', 'rule'),
    device: text('设备', 'device'),
    deviceId: text('设备', 'device'),
    devices: text('设备', 'devices'),
    attr: text('属性', 'attribute'),
    attributes: text('属性', 'attributes'),
    intervalSeconds: text('上报间隔（秒）', 'reporting interval (s)'),
    photos: text('照片', 'photos'),
    channel: text('渠道', 'channel'),
    scope: text('数据范围', 'data scope'),
    version: text('版本', 'version'),
    rev: text('版本', 'revision'),
  }),
);

/** Names a module's own request fields (in both languages) for refusals that point at them. */
export function fieldLabels(labels: Record<string, Text>): void {
  for (const [k, v] of Object.entries(labels)) LABELS.set(k, v);
}

const HINTS = new Map<string, Text>([
  ['^[a-zA-Z0-9_.@-]+$', text('只能包含字母、数字和 _ . @ -', 'may hold only letters, digits and _ . @ -')],
  ['^[0-9+ -]+$', text('只能包含数字、空格、+ 和 -', 'may hold only digits, spaces, + and -')],
  [
    '^(\\+86[ -]?)?(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$',
    text('须为 11 位手机号或带区号的固定电话（如 0719-8101234）', 'must be an 11-digit mobile number or a landline with its area code (0719-8101234)'),
  ],
  ['^[A-Za-z0-9-]+$', text('只能包含字母、数字和 -', 'may hold only letters, digits and -')],
  ['^[A-Z][A-Z0-9-]*$', text('须以大写字母开头，只能包含大写字母、数字和 -', 'must start with a capital letter and hold only capitals, digits and -')],
  ['^\\d{4}-\\d{2}-\\d{2}$', text('须为日期，格式如 2026-05-01', 'must be a date such as 2026-05-01')],
  ['^(\\*|[0-9A-Za-z-]+)$', text('须为区划代码或 *', 'must be a district code or *')],
  [
    '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
    text(
      '须以字母或数字开头，只能包含字母、数字和 _ . -，最多 64 个字符',
      'must start with a letter or digit and hold only letters, digits and _ . - (at most 64)',
    ),
  ],
  [
    '^[A-Za-z][A-Za-z0-9_-]{0,63}$',
    text('须以字母开头，只能包含字母、数字和 _ -，最多 64 个字符', 'must start with a letter and hold only letters, digits, _ and - (at most 64)'),
  ],
  [
    '^[a-z0-9][a-z0-9-]{1,63}$',
    text('须为 2–64 个小写字母、数字或 -，以字母或数字开头', 'must be 2–64 lower-case letters, digits or -, starting with a letter or digit'),
  ],
]);

/** Describes a pattern a module's schema uses, so a refusal says what is accepted. */
export function patternHints(hints: Record<string, Text>): void {
  for (const [k, v] of Object.entries(hints)) HINTS.set(k, v);
}

const FORMATS: Record<string, Text> = {
  'date-time': text('须为日期时间，如 2026-05-01T08:00:00+08:00', 'must be a date and time such as 2026-05-01T08:00:00+08:00'),
  date: text('须为日期，如 2026-05-01', 'must be a date such as 2026-05-01'),
  time: text('须为时间，如 08:30', 'must be a time such as 08:30'),
  email: text('须为电子邮件地址', 'must be an e-mail address'),
  uri: text('须为网址', 'must be a URL'),
  url: text('须为网址', 'must be a URL'),
  uuid: text('须为 UUID', 'must be a UUID'),
  ipv4: text('须为 IPv4 地址', 'must be an IPv4 address'),
};

const TYPES: Record<string, Text> = {
  string: text('文本', 'text'),
  number: text('数字', 'a number'),
  integer: text('整数', 'a whole number'),
  boolean: text('是或否', 'true or false'),
  array: text('列表', 'a list'),
  object: text('对象', 'an object'),
  null: text('空', 'empty'),
};

export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: unknown;
  message?: string | undefined;
}

/** The field's name from its path (`/location/lon` → 经度), or the path in 「」 when unknown. */
export function fieldName(path: string): Text {
  const parts = path.split('/').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i]!;
    if (/^\d+$/.test(p)) continue;
    const label = LABELS.get(p);
    const n = parts[i + 1] !== undefined && /^\d+$/.test(parts[i + 1]!) ? Number(parts[i + 1]) + 1 : null;
    if (label) return n === null ? label : { zh: `${label.zh}第 ${n} 项`, en: `${label.en} no. ${n}` };
    return { zh: `「${p}」`, en: `“${p}”` };
  }
  return text('请求内容', 'the request');
}

/** What is wrong with one value, in words. */
export function reason(e: SchemaError): Text {
  const p = (typeof e.params === 'object' && e.params ? e.params : {}) as Record<string, unknown>;
  const n = (k: string) => String(p[k]);
  switch (e.keyword) {
    case 'required':
      return text('必须填写', 'is required');
    case 'additionalProperties':
      return text('不是可接受的字段', 'is not a known field');
    case 'minLength':
      return Number(p.limit) === 1 ? text('不能为空', 'must not be empty') : text(`至少 ${n('limit')} 个字符`, `must have at least ${n('limit')} characters`);
    case 'maxLength':
      return text(`最多 ${n('limit')} 个字符`, `must have at most ${n('limit')} characters`);
    case 'minimum':
      return text(`不能小于 ${n('limit')}`, `must be at least ${n('limit')}`);
    case 'maximum':
      return text(`不能大于 ${n('limit')}`, `must be at most ${n('limit')}`);
    case 'exclusiveMinimum':
      return text(`须大于 ${n('limit')}`, `must be more than ${n('limit')}`);
    case 'exclusiveMaximum':
      return text(`须小于 ${n('limit')}`, `must be less than ${n('limit')}`);
    case 'minItems':
      return text(`至少选择 ${n('limit')} 项`, `needs at least ${n('limit')} items`);
    case 'maxItems':
      return text(`最多 ${n('limit')} 项`, `may have at most ${n('limit')} items`);
    case 'uniqueItems':
      return text('不能有重复项', 'must not repeat an item');
    case 'pattern':
      return HINTS.get(String(p.pattern)) ?? text('格式不正确', 'is not in the accepted format');
    case 'format':
      return FORMATS[String(p.format)] ?? text('格式不正确', 'is not in the accepted format');
    case 'type': {
      const t = TYPES[String(p.type).split(',')[0]!];
      return t ? text(`须为${t.zh}`, `must be ${t.en}`) : text('类型不正确', 'has the wrong type');
    }
    case 'enum': {
      const vals = Array.isArray(p.allowedValues) ? (p.allowedValues as unknown[]) : [];
      return vals.length && vals.length <= 12
        ? text(`须为以下之一：${vals.join('、')}`, `must be one of ${vals.join(', ')}`)
        : text('不是可接受的取值', 'is not an accepted value');
    }
    case 'const':
      return text(`须为 ${String(p.allowedValue)}`, `must be ${String(p.allowedValue)}`);
    case 'multipleOf':
      return text(`须为 ${n('multipleOf')} 的整数倍`, `must be a multiple of ${n('multipleOf')}`);
    default:
      // anyOf, oneOf, not, if/then and the rest: the value fits none of the accepted forms.
      return text('取值不符合要求', 'is not an accepted value');
  }
}

/**
 * Ajv errors as field errors under `prefix` (e.g. `/body`), one per field: with `anyOf`, Ajv
 * reports each branch's complaint and then the union's; the first complaint about a field is kept.
 */
export function describeSchemaErrors(errors: readonly SchemaError[], prefix: string): { pointer: string; detail: Text }[] {
  const out = new Map<string, Text>();
  for (const v of errors) {
    const params = (typeof v.params === 'object' && v.params ? v.params : {}) as { missingProperty?: unknown; additionalProperty?: unknown };
    const missing = v.keyword === 'required' && params.missingProperty !== undefined ? `/${String(params.missingProperty)}` : '';
    const extra = v.keyword === 'additionalProperties' && params.additionalProperty !== undefined ? `/${String(params.additionalProperty)}` : '';
    const pointer = `${prefix}${v.instancePath}${missing}${extra}`;
    if (out.has(pointer)) continue;
    const field = fieldName(`${v.instancePath}${missing}${extra}`);
    const why = reason(v);
    out.set(pointer, { zh: `${field.zh}${why.zh}`, en: `${capitalise(field.en)} ${why.en}` });
  }
  return [...out].map(([pointer, detail]) => ({ pointer, detail }));
}

const capitalise = (s: string) => (s && /^[a-z]/.test(s) ? s[0]!.toUpperCase() + s.slice(1) : s);
