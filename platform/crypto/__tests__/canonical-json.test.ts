/** RFC 8785 canonical JSON, against the RFC's own examples. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalJson } from '../canonical-json.js';

describe('canonical JSON (RFC 8785)', () => {
  test('sorts members by UTF-16 code units, as the RFC’s §3.2.3 example', () => {
    // RFC 8785 §3.2.3: property names with non-ASCII and surrogate pairs, sorted by code units.
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // (Compared as text: a parsed object would put the integer-like name "1" first.)
    assert.equal(
      canonicalJson(input),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  test('writes numbers as ECMAScript does (the RFC’s Appendix B samples)', () => {
    const samples: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [333333333.3333333, '333333333.3333333'],
      [4.5, '4.5'],
      [2e-3, '0.002'],
      [0.000001, '0.000001'],
      [9007199254740992, '9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
    ];
    for (const [n, text] of samples) assert.equal(canonicalJson(n), text);
    assert.throws(() => canonicalJson(Number.NaN), /finite/);
    assert.throws(() => canonicalJson(Number.POSITIVE_INFINITY), /finite/);
  });

  test('the RFC’s §3.2.2 example, byte for byte', () => {
    const input = {
      // The RFC writes the first number with more digits than a double holds; it reads as 333333333.3333333.
      numbers: [Number('333333333.33333329'), 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
      literals: [null, true, false],
    };
    assert.equal(
      canonicalJson(input),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  test('leaves out undefined members, refuses what is not JSON', () => {
    assert.equal(canonicalJson({ b: 1, a: undefined, c: [undefined] }), '{"b":1,"c":[null]}');
    assert.throws(() => canonicalJson({ f: () => 1 }), /not JSON/);
    assert.throws(() => canonicalJson('\ud800'), /well-formed/);
  });
});
