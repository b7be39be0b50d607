/**
 * Open311 GeoReport v2 (open311.org, frozen and final): the classification's subcategories as
 * services, cases as service requests, in JSON and in the specification's XML. Statuses are
 * `open` and `closed`; `status_notes` carries the loop's own state. Coordinates are WGS-84 on the
 * wire and the platform's datum inside.
 */
import { gcj02ToWgs84 } from '../../platform/profile/datum.js';
import type { Lang } from '../../platform/i18n/index.js';
import type { Subcategory } from './classes.js';
import type { CaseRow } from './urban.store.js';
import { STATE_LABELS } from './workflow.js';
import { escapeXml } from '../../platform/reports/xml.js';

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
export type Format = 'json' | 'xml';
type Xmlish = string | number | boolean | null | undefined | Xmlish[] | { [k: string]: Xmlish };

/** An element and its content: objects become child elements, arrays repeat `item` elements. */
function element(name: string, value: Xmlish, itemNames: Record<string, string>): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = itemNames[name] ?? 'item';
    return `<${name}>${value.map((v) => element(item, v, itemNames)).join('')}</${name}>`;
  }
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => element(k, v, itemNames))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The GeoReport v2 XML of a list: `<services><service>…</service></services>` and the like. */
export function toXml(root: string, value: Xmlish): string {
  const items: Record<string, string> = {
    services: 'service',
    service_requests: 'request',
    attributes: 'attribute',
    values: 'value',
    errors: 'error',
    endpoints: 'endpoint',
    formats: 'format',
  };
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value, items)}`;
}

export function iso(at: number | null, offsetMinutes: number): string | null {
  if (at === null) return null;
  const local = new Date(at + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const m = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export function serviceOf(s: Subcategory, lang: Lang) {
  return {
    service_code: s.code,
    service_name: s.name[lang],
    description: `${s.major[lang]} · ${s.name[lang]} — ${s.filing[lang]}`,
    metadata: true,
    type: 'realtime' as const,
    keywords: [s.kind === 'component' ? (lang === 'zh' ? '部件' : 'component') : lang === 'zh' ? '事件' : 'event', s.major[lang]].join(','),
    group: s.major[lang],
  };
}

/** The attributes every service takes: urgency, and for components the component's ID. */
export function definitionOf(s: Subcategory, lang: Lang) {
  const zh = lang === 'zh';
  const attributes = [
    {
      variable: true,
      code: 'urgent',
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: zh ? '紧急程度' : 'Urgency',
      order: 1,
      description: zh ? '是否危及安全、需紧急处置' : 'Is it a danger that needs urgent handling?',
      values: [
        { key: 'no', name: zh ? '一般' : 'Normal' },
        { key: 'yes', name: zh ? '紧急' : 'Urgent' },
      ],
    },
  ];
  if (s.kind === 'component')
    attributes.push({
      variable: true,
      code: 'component_id',
      datatype: 'string',
      required: false,
      datatype_description: zh ? '18 位部件编码' : '18-digit component ID',
      order: 2,
      description: zh ? '部件上标牌的编码（如有）' : 'The ID on the component’s plate, if any',
      values: [],
    });
  return { service_code: s.code, attributes };
}

const limitText = (s: Subcategory | undefined, lang: Lang): string | null => {
  if (!s) return null;
  const l = s.limits.normal;
  const n = 'workingDays' in l ? l.workingDays : 'workingHours' in l ? l.workingHours : l.hours;
  const unit =
    'workingDays' in l
      ? lang === 'zh'
        ? '个工作日'
        : ' working day(s)'
      : 'workingHours' in l
        ? lang === 'zh'
          ? '个工作小时'
          : ' working hour(s)'
        : lang === 'zh'
          ? '小时'
          : ' hour(s)';
  return lang === 'zh'
    ? `立案后派遣责任单位，${n}${unit}内处置；${s.closing.zh}`
    : `Once filed, the responsible unit handles it within ${n}${unit}; ${s.closing.en}`;
};

export function serviceNotice(s: Subcategory | undefined, lang: Lang): string | null {
  return limitText(s, lang);
}

export function requestOf(c: CaseRow, s: Subcategory | undefined, agency: string | null, lang: Lang, offsetMinutes: number, mediaUrl: string | null) {
  const closed = c.state === 'closed' || c.state === 'rejected' || c.state === 'merged';
  const label = STATE_LABELS[c.state] ?? { zh: c.state, en: c.state };
  const notes = [label[lang]];
  if (c.state === 'merged' && c.merged_into) notes.push(lang === 'zh' ? `已并入 ${c.merged_into}` : `merged into ${c.merged_into}`);
  if (c.overdue === 1 && !closed) notes.push(lang === 'zh' ? '已超时' : 'overdue');
  const [long, lat] = gcj02ToWgs84(Number(c.lon), Number(c.lat));
  return {
    service_request_id: c.id,
    status: closed ? ('closed' as const) : ('open' as const),
    status_notes: notes.join(lang === 'zh' ? '；' : '; '),
    service_name: s?.name[lang] ?? null,
    service_code: c.subcategory,
    description: c.description.slice(0, 4000),
    agency_responsible: agency,
    service_notice: limitText(s, lang),
    requested_datetime: iso(Number(c.reported_at), offsetMinutes)!,
    updated_datetime: iso(Number(c.updated_at), offsetMinutes),
    expected_datetime: iso(c.due_at === null ? null : Number(c.due_at), offsetMinutes),
    address: c.address,
    address_id: c.component_id,
    zipcode: null,
    lat: Math.round(lat * 1e6) / 1e6,
    long: Math.round(long * 1e6) / 1e6,
    media_url: mediaUrl,
  };
}

/** A multipart/form-data body's fields and files (RFC 7578), for POST requests with an upload. */
export function parseMultipart(
  body: Buffer,
  contentType: string,
): { fields: Record<string, string[]>; files: { name: string; filename: string; type: string; data: Buffer }[] } | null {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) return null;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const fields: Record<string, string[]> = {};
  const files: { name: string; filename: string; type: string; data: Buffer }[] = [];
  let at = body.indexOf(boundary);
  if (at < 0) return null;
  for (;;) {
    const start = at + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(boundary, headEnd);
    if (headEnd < 0 || next < 0) return null;
    const head = body.subarray(start + 2, headEnd).toString('utf8');
    const data = body.subarray(headEnd + 4, next - 2);
    const disp = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(head)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disp)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disp)?.[1];
    const type = /content-type:\s*([^\r\n;]+)/i.exec(head)?.[1]?.trim().toLowerCase() ?? 'application/octet-stream';
    if (name !== undefined) {
      if (filename !== undefined) files.push({ name, filename, type, data: Buffer.from(data) });
      else fields[name] = [...(fields[name] ?? []), data.toString('utf8')];
    }
    at = next;
  }
  return { fields, files };
}
