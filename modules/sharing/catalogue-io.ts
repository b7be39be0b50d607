/**
 * The catalogue as files: JSON (an array of entries, as the API writes them) and CSV (one row per
 * data item, the entry's fields repeated on each of its rows: how catalogue lists 目录清单 are
 * exchanged between departments and spreadsheets).
 */
import { parseCsvRows, toCsv } from '../../platform/csv.js';
import type { Text } from '../../platform/i18n/index.js';
import type { DataItem, ResourceInput } from './catalogue.js';

export const CSV_COLUMNS = [
  'code',
  'classCode',
  'nameZh',
  'nameEn',
  'kind',
  'provider',
  'abstract',
  'format',
  'sharingType',
  'sharingCondition',
  'legalBasis',
  'sharingMethods',
  'openType',
  'updateCycle',
  'publishedAt',
  'related',
  'keywords',
  'dataset',
  'status',
  'itemKey',
  'itemNameZh',
  'itemNameEn',
  'itemType',
  'itemLength',
  'itemSharing',
  'itemGrade',
  'itemLevel',
  'itemSensitive',
  'itemMask',
  'itemDescription',
] as const;

type Entry = ResourceInput & { code?: string };

export function catalogueCsv(entries: readonly (ResourceInput & { code: string })[]): string {
  const rows: unknown[][] = [];
  for (const r of entries) {
    for (const it of r.items) {
      rows.push([
        r.code,
        r.classCode,
        r.name.zh,
        r.name.en,
        r.kind,
        r.provider,
        r.abstract,
        r.format,
        r.sharingType,
        r.sharingCondition ?? '',
        r.legalBasis ?? '',
        r.sharingMethods.join(';'),
        r.openType,
        r.updateCycle,
        r.publishedAt ?? '',
        (r.related ?? []).join(';'),
        (r.keywords ?? []).join(';'),
        r.dataset ?? '',
        r.status,
        it.key,
        it.name.zh,
        it.name.en,
        it.type,
        it.length ?? '',
        it.sharing,
        it.grade,
        it.level ?? '',
        it.sensitive ? 'true' : '',
        it.mask,
        it.description ?? '',
      ]);
    }
  }
  return toCsv(CSV_COLUMNS, rows);
}

export interface ParsedEntry {
  /** The CSV line of the entry's first row (1 is the header), or the JSON array index. */
  at: number;
  entry: Entry;
}

/**
 * Entries from catalogue CSV: rows with the same code (or, without a code, the same class code and
 * name) form one entry, in the order they first appear. A file whose header lacks a column is
 * answered with that, not with a guess.
 */
export function parseCatalogueCsv(text: string): { entries: ParsedEntry[]; problems: { at: number; detail: Text }[] } {
  const [header, ...rows] = parseCsvRows(text);
  const problems: { at: number; detail: Text }[] = [];
  if (!header) return { entries: [], problems: [{ at: 1, detail: { zh: '文件为空', en: 'the file is empty' } }] };
  const cols = header.map((h) => h.trim());
  const missing = ['classCode', 'nameZh', 'provider', 'itemKey', 'itemNameZh'].filter((c) => !cols.includes(c));
  if (missing.length)
    return { entries: [], problems: [{ at: 1, detail: { zh: `表头缺少列：${missing.join('、')}`, en: `the header lacks ${missing.join(', ')}` } }] };
  const byKey = new Map<string, ParsedEntry>();
  const list = (s: string) =>
    s
      .split(/[;；]/)
      .map((x) => x.trim())
      .filter(Boolean);
  rows.forEach((cells, i) => {
    const line = i + 2;
    const v = (c: (typeof CSV_COLUMNS)[number]) => (cells[cols.indexOf(c)] ?? '').trim();
    const key = v('code') || `${v('classCode')}|${v('nameZh')}`;
    let found = byKey.get(key);
    if (!found) {
      const e: Entry = {
        ...(v('code') ? { code: v('code') } : {}),
        classCode: v('classCode'),
        name: { zh: v('nameZh'), en: v('nameEn') },
        kind: v('kind') as Entry['kind'],
        provider: v('provider'),
        abstract: v('abstract'),
        format: (v('format') || 'table') as Entry['format'],
        items: [],
        sharingType: v('sharingType') as Entry['sharingType'],
        ...(v('sharingCondition') ? { sharingCondition: v('sharingCondition') } : {}),
        ...(v('legalBasis') ? { legalBasis: v('legalBasis') } : {}),
        sharingMethods: list(v('sharingMethods')) as Entry['sharingMethods'],
        openType: (v('openType') || 'closed') as Entry['openType'],
        updateCycle: (v('updateCycle') || 'irregular') as Entry['updateCycle'],
        ...(v('publishedAt') ? { publishedAt: v('publishedAt') } : {}),
        ...(v('related') ? { related: list(v('related')) } : {}),
        ...(v('keywords') ? { keywords: list(v('keywords')) } : {}),
        ...(v('dataset') ? { dataset: v('dataset') } : {}),
        status: (v('status') || 'draft') as Entry['status'],
      };
      found = { at: line, entry: e };
      byKey.set(key, found);
    }
    const length = v('itemLength');
    const level = v('itemLevel');
    const item: DataItem = {
      key: v('itemKey'),
      name: { zh: v('itemNameZh'), en: v('itemNameEn') },
      type: (v('itemType') || 'string') as DataItem['type'],
      ...(length ? { length: Number(length) } : {}),
      sharing: (v('itemSharing') || found.entry.sharingType) as DataItem['sharing'],
      grade: (v('itemGrade') || 'general') as DataItem['grade'],
      ...(level ? { level: Number(level) } : {}),
      ...(v('itemSensitive') === 'true' ? { sensitive: true } : {}),
      mask: (v('itemMask') || 'none') as DataItem['mask'],
      ...(v('itemDescription') ? { description: v('itemDescription') } : {}),
    };
    if (length && !/^\d+$/.test(length))
      problems.push({ at: line, detail: { zh: `itemLength「${length}」不是整数`, en: `itemLength "${length}" is not a whole number` } });
    found.entry.items.push(item);
  });
  return { entries: [...byKey.values()], problems };
}
