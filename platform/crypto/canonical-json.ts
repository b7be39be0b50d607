/**
 * JSON Canonicalization Scheme (RFC 8785, JCS): the one byte sequence a JSON value is signed as.
 * Object members are sorted by their names' UTF-16 code units; numbers are written as ECMAScript
 * writes them (RFC 8785 §3.2.2.3, which is `JSON.stringify` for finite numbers); strings with the
 * minimal escapes (`JSON.stringify`'s, RFC 8785 §3.2.2.2); no whitespace. Anyone can re-create the
 * bytes from the JSON and check a signature over them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('JCS: numbers must be finite');
      return JSON.stringify(value);
    case 'string':
      if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) throw new TypeError('JCS: strings must be well-formed Unicode');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      // Array.prototype.sort compares UTF-16 code units, as RFC 8785 §3.2.3 asks.
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${canonicalJson(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`JCS: ${typeof value} is not JSON`);
  }
}
