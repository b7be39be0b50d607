/**
 * The sensing model: device types and their attributes, and the validation every reading passes
 * before it is stored, whatever protocol or payload format it came in.
 */
import type { Names } from '../../platform/profile/profile.js';
import { EPOCH_MIN } from '../../platform/http/limits.js';

export type ValueType = 'number' | 'integer' | 'boolean' | 'string';

export interface AttributeSpec {
  /** Attribute name as the Smart Data Model spells it (pm25, waterLevel, ...). */
  key: string;
  name: Names;
  valueType: ValueType;
  /** UN/CEFACT common code, as NGSI-LD's unitCode uses (GQ = µg/m³, MTR = m, CEL = °C, ...). */
  unitCode?: string;
  unitText?: string;
  /** Plausible physical range; readings outside it are rejected. */
  min?: number;
  max?: number;
  /** Watch for a value that stops changing (analogue sensors; not counters or switches). */
  stuckCheck?: boolean;
}

export interface Retention {
  rawDays: number;
  minuteDays: number;
  hourDays: number;
}

export interface DeviceType {
  id: string;
  name: Names;
  domain: string;
  /** sdm: follows a Smart Data Model; city: a Wudang type for what the models lack. */
  model: 'sdm' | 'city';
  /** The NGSI-LD entity type that holds a device's observations. */
  ngsiType: string;
  defaultOwner: string | null;
  defaultIntervalSeconds: number;
  attributes: AttributeSpec[];
  retention: Retention;
  builtin: boolean;
  version: number;
}

/** One reading as a payload adaptor decoded it, before validation. */
export interface Reading {
  attr: string;
  /** Epoch ms; absent means "now". */
  ts?: number;
  value: unknown;
  /** The unit the payload declared (SenML `u`), if any. */
  unit?: string;
}

export interface Rejection {
  attr: string | null;
  reason: string;
}

export const DEVICE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const ATTR_KEY_RE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** How far ahead of the server clock a timestamp may be (clock skew), in ms. */
export const MAX_FUTURE_MS = 5 * 60_000;

/**
 * SenML units (RFC 8428 registry and RFC 8798) per UN/CEFACT code, with the factor that converts a
 * SenML value into the attribute's unit.
 */
const SENML_UNITS: Record<string, Record<string, number>> = {
  CEL: { Cel: 1 },
  MTR: { m: 1 },
  MMT: { mm: 1, m: 1000 },
  P1: { '%': 1, '%RH': 1, '%EL': 1 },
  MQS: { 'm3/s': 1 },
  MQH: { 'm3/s': 3600 },
  MTS: { 'm/s': 1 },
  MSK: { 'm/s2': 1 },
  KMH: { 'km/h': 1, 'm/s': 3.6 },
  WTT: { W: 1 },
  VLT: { V: 1 },
  AMP: { A: 1 },
  DD: { deg: 1 },
  A97: { Pa: 0.01, hPa: 1 },
  MPA: { Pa: 1e-6, kPa: 1e-3 },
  '59': { ppm: 1 },
  '2N': { dB: 1, dBA: 1 },
  C62: { '/': 1, count: 1 },
  GQ: { 'ug/m3': 1 },
  GP: { 'mg/m3': 1 },
  M1: { 'mg/l': 1, 'mg/L': 1 },
  G42: { 'uS/cm': 1, 'S/m': 10_000 },
  '2Z': { mV: 1, V: 1000 },
};

/** The factor converting a value in `unit` into the attribute's unit, or undefined if incompatible. */
export function unitFactor(spec: AttributeSpec, unit: string | undefined): number | undefined {
  if (unit === undefined || unit === '') return 1;
  if (unit === spec.unitCode || unit === spec.unitText) return 1;
  return spec.unitCode ? SENML_UNITS[spec.unitCode]?.[unit] : undefined;
}

export interface Validated {
  attr: string;
  ts: number;
  v: number | null;
  s: string | null;
}

/** An instant for a message: ISO-8601 where JavaScript dates reach, else the number as sent. */
function showTime(ts: number): string {
  return Math.abs(ts) <= 8.64e15 ? new Date(ts).toISOString() : String(ts);
}

/**
 * Checks one reading against its device type: known attribute, value type, finite number, unit,
 * physical range, and a time not in the future. Returns the storable value or the reason it is refused.
 */
export function validateReading(attrs: ReadonlyMap<string, AttributeSpec>, r: Reading, now: number): Validated | Rejection {
  const spec = attrs.get(r.attr);
  if (!spec) return { attr: r.attr, reason: `unknown attribute "${r.attr}" for this device type` };
  const ts = r.ts ?? now;
  if (!Number.isFinite(ts)) return { attr: r.attr, reason: 'timestamp is not a valid time' };
  if (ts > now + MAX_FUTURE_MS) return { attr: r.attr, reason: `timestamp ${showTime(ts)} is in the future` };
  if (ts < EPOCH_MIN) return { attr: r.attr, reason: `timestamp ${showTime(ts)} is before 2000` };
  const value = r.value;
  switch (spec.valueType) {
    case 'boolean':
      if (typeof value !== 'boolean') return { attr: r.attr, reason: `"${r.attr}" must be a boolean` };
      return { attr: r.attr, ts, v: value ? 1 : 0, s: null };
    case 'string':
      if (typeof value !== 'string') return { attr: r.attr, reason: `"${r.attr}" must be a string` };
      if (value.length > 256) return { attr: r.attr, reason: `"${r.attr}" is longer than 256 characters` };
      return { attr: r.attr, ts, v: null, s: value };
    default: {
      if (typeof value !== 'number') return { attr: r.attr, reason: `"${r.attr}" must be a number` };
      if (!Number.isFinite(value)) return { attr: r.attr, reason: `"${r.attr}" is not a finite number` };
      const factor = unitFactor(spec, r.unit);
      if (factor === undefined) return { attr: r.attr, reason: `unit "${r.unit}" does not match ${spec.unitText ?? spec.unitCode ?? 'the attribute'}` };
      const v = value * factor;
      if (spec.valueType === 'integer' && !Number.isInteger(v)) return { attr: r.attr, reason: `"${r.attr}" must be an integer` };
      if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
        return { attr: r.attr, reason: `"${r.attr}" = ${v} is outside the plausible range ${spec.min ?? '-∞'}..${spec.max ?? '∞'}` };
      }
      return { attr: r.attr, ts, v, s: null };
    }
  }
}

export function isRejection(x: Validated | Rejection): x is Rejection {
  return (x as Rejection).reason !== undefined;
}

/** Checks a type definition beyond its JSON schema; returns field errors. */
export function checkDeviceType(t: Pick<DeviceType, 'attributes' | 'retention'>): { pointer: string; detail: string }[] {
  const errors: { pointer: string; detail: string }[] = [];
  const seen = new Set<string>();
  t.attributes.forEach((a, i) => {
    if (!ATTR_KEY_RE.test(a.key)) errors.push({ pointer: `/body/attributes/${i}/key`, detail: 'must start with a letter: letters, digits, _ or -' });
    if (seen.has(a.key)) errors.push({ pointer: `/body/attributes/${i}/key`, detail: `"${a.key}" appears twice` });
    seen.add(a.key);
    if (a.min !== undefined && a.max !== undefined && a.min > a.max) errors.push({ pointer: `/body/attributes/${i}/min`, detail: 'min is greater than max' });
    if ((a.valueType === 'boolean' || a.valueType === 'string') && (a.min !== undefined || a.max !== undefined)) {
      errors.push({ pointer: `/body/attributes/${i}/min`, detail: `a ${a.valueType} has no range` });
    }
  });
  if (t.attributes.length === 0) errors.push({ pointer: '/body/attributes', detail: 'a type needs at least one attribute' });
  const r = t.retention;
  if (r.minuteDays < r.rawDays) errors.push({ pointer: '/body/retention/minuteDays', detail: 'minute rollups should be kept at least as long as raw data' });
  if (r.hourDays < r.minuteDays) errors.push({ pointer: '/body/retention/hourDays', detail: 'hour rollups should be kept at least as long as minute rollups' });
  return errors;
}

/** The NGSI-LD id of the entity that holds a device's observations. */
export function entityIdOf(ngsiType: string, deviceId: string): string {
  return `urn:ngsi-ld:${ngsiType}:${deviceId}`;
}
