import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkCreditCode, checkIdNumber, creditCodeCheckChar, idNumberCheckChar, isAreaCode, isRealDate, makeCreditCode, makeIdNumber } from '../index.js';

describe('GB 11643 citizen ID numbers', () => {
  test('the standard’s own examples pass, with their parts', () => {
    const a = checkIdNumber('11010519491231002X');
    assert.ok(a.ok);
    assert.deepEqual([a.area, a.birthDate, a.gender], ['110105', '1949-12-31', 'female']);
    const b = checkIdNumber('440524188001010014');
    assert.ok(b.ok && b.gender === 'male' && b.birthDate === '1880-01-01');
    assert.ok(checkIdNumber('11010519491231002x').ok, 'a lower-case x is read as X');
  });

  test('each fault is named: length, area, date, future, check character', () => {
    const reason = (v: string) => {
      const r = checkIdNumber(v, new Date('2026-12-05T00:00:00Z'));
      return r.ok ? 'ok' : r.reason.en;
    };
    assert.match(reason('4203031990010112'), /18 characters/);
    assert.match(reason('990303199001011234'), /area code 990303/);
    assert.match(reason(makeIdNumber('420303', '19900230', 123)), /19900230 does not exist/);
    assert.match(reason(makeIdNumber('420303', '20270101', 123)), /future/);
    const good = makeIdNumber('420303', '19900101', 123);
    assert.equal(reason(good), 'ok');
    const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    assert.match(reason(wrong), /check character/);
  });

  test('check characters as the standard computes them', () => {
    assert.equal(idNumberCheckChar('11010519491231002'), 'X');
    assert.equal(idNumberCheckChar('44052418800101001'), '4');
    assert.ok(isRealDate(2024, 2, 29) && !isRealDate(2025, 2, 29) && !isRealDate(2025, 13, 1));
  });
});

describe('GB 32100 unified social credit codes', () => {
  test('a valid code passes; its check character as the standard computes it', () => {
    assert.equal(creditCodeCheckChar('91350100M000100Y4'), '3');
    assert.ok(checkCreditCode('91350100M000100Y43').ok);
    const made = makeCreditCode('9', '1', '420303', 'MA4905XX0');
    assert.ok(checkCreditCode(made).ok, made);
  });

  test('letters outside the alphabet, a bad area and a wrong check character are refused; only the last is an exception candidate', () => {
    const r1 = checkCreditCode('91350100M000100I43');
    assert.ok(!r1.ok && !r1.checkDigitOnly && /without I, O, S, V, Z/.test(r1.reason.en));
    const r2 = checkCreditCode(makeCreditCode('9', '1', '990000', 'MA4905XX0'));
    assert.ok(!r2.ok && /area code/.test(r2.reason.en));
    const r3 = checkCreditCode('91350100M000100Y44');
    assert.ok(!r3.ok && r3.checkDigitOnly === true);
  });
});

describe('GB/T 2260 division codes', () => {
  test('six digits with a real province', () => {
    assert.ok(isAreaCode('420303') && isAreaCode('810000'));
    assert.ok(!isAreaCode('990303') && !isAreaCode('42030') && !isAreaCode('4203a3'));
  });
});
