/**
 * Payload adaptors: each turns one payload format into readings, behind one interface, so MQTT
 * topics and HTTP content types share the same decoders.
 *
 * - `json`: `{"ts"?: epoch-ms | ISO-8601, "<attr>": number | string | boolean, ...}` or an array of them.
 * - `senml`: SenML JSON (RFC 8428): base name/time/unit/value, relative times, `v`/`vs`/`vb`.
 */
import type { Reading } from './model.js';

export class PayloadError extends Error {
  override name = 'PayloadError';
}

export interface PayloadAdaptor {
  readonly name: 'json' | 'senml';
  /** The last MQTT topic level that selects this adaptor: devices/{id}/<topic>. */
  readonly topic: string;
  /** HTTP content types that select it. */
  readonly contentTypes: readonly string[];
  /** Decodes a payload; throws PayloadError when the payload as a whole cannot be read. */
  decode(payload: Buffer | string | unknown, now: number): Reading[];
}

function parse(payload: Buffer | string | unknown): unknown {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload; // already parsed (HTTP)
  try {
    return JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (err) {
    throw new PayloadError(`malformed JSON: ${(err as Error).message}`);
  }
}

/** epoch ms, or an ISO-8601 string with a time zone. */
export function parseTime(t: unknown): number {
  if (typeof t === 'number') {
    if (!Number.isFinite(t)) throw new PayloadError('ts is not a finite number');
    return t;
  }
  if (typeof t === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
      throw new PayloadError(`ts "${t}" is not epoch milliseconds or ISO-8601 with a time zone`);
    }
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) throw new PayloadError(`ts "${t}" is not a valid time`);
    return ms;
  }
  throw new PayloadError('ts must be epoch milliseconds or an ISO-8601 string');
}

export const jsonAdaptor: PayloadAdaptor = {
  name: 'json',
  topic: 'telemetry',
  contentTypes: ['application/json'],
  decode(payload) {
    const doc = parse(payload);
    const records = Array.isArray(doc) ? doc : [doc];
    if (records.length === 0) throw new PayloadError('empty array');
    const out: Reading[] = [];
    for (const rec of records) {
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) throw new PayloadError('each record must be a JSON object');
      const ts = (rec as Record<string, unknown>).ts;
      const time = ts === undefined ? undefined : parseTime(ts);
      for (const [attr, value] of Object.entries(rec as Record<string, unknown>)) {
        if (attr === 'ts') continue;
        out.push(time === undefined ? { attr, value } : { attr, ts: time, value });
      }
    }
    if (out.length === 0) throw new PayloadError('no values in the payload');
    return out;
  },
};

/** SenML times below 2^28 are relative to now (RFC 8428 §4.5.3). */
const RELATIVE_LIMIT = 2 ** 28;

export const senmlAdaptor: PayloadAdaptor = {
  name: 'senml',
  topic: 'senml',
  contentTypes: ['application/senml+json'],
  decode(payload, now) {
    const doc = parse(payload);
    if (!Array.isArray(doc) || doc.length === 0) throw new PayloadError('SenML must be a non-empty JSON array of records');
    let bn = '';
    let bt = 0;
    let bu: string | undefined;
    let bv = 0;
    const out: Reading[] = [];
    doc.forEach((rec: unknown, i) => {
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) throw new PayloadError(`record ${i} is not an object`);
      const r = rec as Record<string, unknown>;
      if (r.bn !== undefined) {
        if (typeof r.bn !== 'string') throw new PayloadError(`record ${i}: bn must be a string`);
        bn = r.bn;
      }
      if (r.bt !== undefined) {
        if (typeof r.bt !== 'number' || !Number.isFinite(r.bt)) throw new PayloadError(`record ${i}: bt must be a number`);
        bt = r.bt;
      }
      if (r.bu !== undefined) {
        if (typeof r.bu !== 'string') throw new PayloadError(`record ${i}: bu must be a string`);
        bu = r.bu;
      }
      if (r.bv !== undefined) {
        if (typeof r.bv !== 'number' || !Number.isFinite(r.bv)) throw new PayloadError(`record ${i}: bv must be a number`);
        bv = r.bv;
      }
      const hasValue = r.v !== undefined || r.vs !== undefined || r.vb !== undefined || r.vd !== undefined || r.s !== undefined;
      if (!hasValue) return; // a base-only record
      if (r.n !== undefined && typeof r.n !== 'string') throw new PayloadError(`record ${i}: n must be a string`);
      const name = bn + ((r.n as string | undefined) ?? '');
      // The attribute is the last segment of the resolved name (bn is usually "urn:dev:...:" or "<id>/").
      const attr = name.slice(Math.max(name.lastIndexOf(':'), name.lastIndexOf('/')) + 1);
      if (attr === '') throw new PayloadError(`record ${i} has no name`);
      if (r.t !== undefined && (typeof r.t !== 'number' || !Number.isFinite(r.t))) throw new PayloadError(`record ${i}: t must be a number`);
      const t = bt + ((r.t as number | undefined) ?? 0);
      // SenML times are seconds; relative times count from now.
      const ts = t === 0 ? undefined : Math.round(t < RELATIVE_LIMIT ? now + t * 1000 : t * 1000);
      const unit = typeof r.u === 'string' ? r.u : bu;
      let value: unknown;
      if (r.v !== undefined) value = typeof r.v === 'number' ? bv + r.v : r.v;
      else if (r.vs !== undefined) value = r.vs;
      else if (r.vb !== undefined) value = r.vb;
      else if (r.vd !== undefined) value = { unsupported: 'data value (vd)' };
      else value = { unsupported: 'sum (s)' };
      out.push({ attr, value, ...(ts === undefined ? {} : { ts }), ...(unit === undefined ? {} : { unit }) });
    });
    if (out.length === 0) throw new PayloadError('no values in the SenML pack');
    return out;
  },
};

export const ADAPTORS: readonly PayloadAdaptor[] = [jsonAdaptor, senmlAdaptor];

export function adaptorForTopic(level: string): PayloadAdaptor | undefined {
  return ADAPTORS.find((a) => a.topic === level);
}

export function adaptorForContentType(contentType: string | undefined): PayloadAdaptor | undefined {
  const ct = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  return ADAPTORS.find((a) => a.contentTypes.includes(ct));
}
