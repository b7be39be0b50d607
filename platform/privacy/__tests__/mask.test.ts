import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maskAddressToStreet, maskContact, maskCreditCode, maskDateToYear, maskIdNumber, maskName, maskNameMiddle, maskPhone } from '../mask.js';

describe('masking personal information', () => {
  test('phone numbers, ID numbers and names', () => {
    assert.equal(maskPhone('13812345678'), '138****5678');
    assert.equal(maskIdNumber('420303199001011234'), '420303********1234');
    assert.equal(maskName('王小明'), '王**');
  });

  test('a contact with a name keeps nothing of the person whole (not 张三1******5678)', () => {
    assert.equal(maskContact('张三 13812345678'), '张* 138****5678');
    assert.equal(maskContact('张三13812345678'), '张*138****5678');
    assert.equal(maskContact('0719-8000001'), '071****0001');
    assert.equal(maskContact('Li Wei, +86 138 1234 5678'), 'L* W**, +86*******5678');
    assert.equal(maskContact('duty@example.org'), 'd***@e******.o**');
    assert.equal(maskContact(null), null);
  });

  test('as the exchange gateway shows items a consumer is not approved for', () => {
    assert.equal(maskNameMiddle('张三丰'), '张*丰');
    assert.equal(maskNameMiddle('欧阳小明'), '欧**明');
    assert.equal(maskNameMiddle('张三'), '张*');
    assert.equal(maskCreditCode('91420300MA4905XXX0'), '91420300******XXX0');
    assert.equal(maskAddressToStreet('湖北省十堰市张湾区花果街道人民北路12号3单元'), '湖北省十堰市张湾区花果街道****');
    assert.equal(maskAddressToStreet('十堰市郧阳区茶店镇樱桃沟村5组'), '十堰市郧阳区茶店镇****');
    assert.equal(maskAddressToStreet('十堰市茅箭区北京路35号'), '十堰市茅箭区****', 'no street named: kept to the district');
    assert.equal(maskAddressToStreet('人民北路12号'), '****', 'nothing of a place kept when none is named');
    assert.equal(maskDateToYear('1990-01-01'), '1990');
    for (const f of [maskNameMiddle, maskCreditCode, maskAddressToStreet, maskDateToYear]) assert.equal(f(null), null);
  });
});
