import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maskContact, maskIdNumber, maskName, maskPhone } from '../mask.js';

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
});
