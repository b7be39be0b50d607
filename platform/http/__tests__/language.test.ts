/**
 * Problem details speak the caller's language: Chinese unless `Accept-Language` asks for English,
 * each field error naming the field and the reason in words, never a regex or schema text.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { dialects, startApp } from '../../../test/helpers.js';
import { negotiateLanguage } from '../../i18n/index.js';
import { describeSchemaErrors } from '../reasons.js';

/** What a person must never read in a refusal: regex syntax or JSON Schema vocabulary. */
const INTERNAL = /\^|\$\/|\[a-z|anyOf|oneOf|must match|schema|must have required property|instancePath/;

describe('Accept-Language', () => {
  it('picks Chinese by default and English when the caller prefers it', () => {
    assert.equal(negotiateLanguage(undefined), 'zh');
    assert.equal(negotiateLanguage(''), 'zh');
    assert.equal(negotiateLanguage('fr-FR'), 'zh');
    assert.equal(negotiateLanguage('en-US,en;q=0.9'), 'en');
    assert.equal(negotiateLanguage('zh-CN,zh;q=0.9,en;q=0.8'), 'zh');
    assert.equal(negotiateLanguage('zh-CN;q=0.5, en;q=0.8'), 'en');
    assert.equal(negotiateLanguage('fr, en-GB;q=0.3'), 'en');
    assert.equal(negotiateLanguage('en;q=0'), 'zh');
  });

  it('describes schema errors by field and reason', () => {
    const [e] = describeSchemaErrors([{ keyword: 'pattern', instancePath: '/username', params: { pattern: '^[a-zA-Z0-9_.@-]+$' } }], '/body');
    assert.deepEqual(e, {
      pointer: '/body/username',
      detail: { zh: '用户名只能包含字母、数字和 _ . @ -', en: 'User name may hold only letters, digits and _ . @ -' },
    });
    // An anyOf reports each branch and then itself: the field's first complaint is the one kept.
    const union = describeSchemaErrors(
      [
        { keyword: 'minLength', instancePath: '/phone', params: { limit: 5 } },
        { keyword: 'type', instancePath: '/phone', params: { type: 'null' } },
        { keyword: 'anyOf', instancePath: '/phone', params: {} },
      ],
      '/body',
    );
    assert.deepEqual(union, [{ pointer: '/body/phone', detail: { zh: '电话至少 5 个字符', en: 'Phone must have at least 5 characters' } }]);
    const [lon] = describeSchemaErrors([{ keyword: 'maximum', instancePath: '/location/lon', params: { limit: 180 } }], '/body');
    assert.equal(lon!.detail.zh, '经度不能大于 180');
    const [unknown] = describeSchemaErrors([{ keyword: 'pattern', instancePath: '/zzz', params: { pattern: '^x+$' } }], '/body');
    assert.equal(unknown!.detail.zh, '「zzz」格式不正确');
  });
});

const [sqlite] = await dialects();
describe('problem details over HTTP', async () => {
  const t = await startApp(sqlite!);
  after(() => t.close());
  const admin = await t.login('admin');
  const send = (url: string, body: unknown, lang?: string, method = 'POST') =>
    t.inject({
      method: method as 'POST',
      url,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', ...(lang ? { 'accept-language': lang } : {}) },
      payload: JSON.stringify(body),
    });
  const user = { username: 'a b!', displayName: '测试', password: 'Long-Enough-Pass-2026', roles: ['dept_staff'], department: 'YJJ', districts: ['*'] };

  it('answers in Chinese without Accept-Language, naming the field and the reason', async () => {
    const r = await send('/api/users', user);
    assert.equal(r.statusCode, 400);
    assert.equal(r.headers['content-language'], 'zh-CN');
    const p = r.json();
    assert.equal(p.code, 'WD_ERR_VALIDATION');
    assert.equal(p.title, '请求内容不符合要求');
    assert.deepEqual(p.errors, [{ pointer: '/body/username', detail: '用户名只能包含字母、数字和 _ . @ -' }]);
    assert.equal(p.detail, '用户名只能包含字母、数字和 _ . @ -');
    assert.doesNotMatch(r.body, INTERNAL);
  });

  it('answers in English when asked', async () => {
    const r = await send('/api/users', { ...user, username: 'ok.name', phone: '12' }, 'en-US,en;q=0.9');
    assert.equal(r.headers['content-language'], 'en');
    const p = r.json();
    assert.equal(p.title, 'Request is not valid');
    assert.deepEqual(p.errors, [{ pointer: '/body/phone', detail: 'Phone must have at least 5 characters' }]);
    assert.doesNotMatch(r.body, INTERNAL);
  });

  it('names a missing field and a record that does not exist in words', async () => {
    const missing = (await send('/api/auth/login', { username: 'duty' })).json();
    assert.deepEqual(missing.errors, [{ pointer: '/body/password', detail: '密码必须填写' }]);
    const none = await t.inject({ method: 'GET', url: '/api/users/usr_nosuchuser', headers: { authorization: `Bearer ${admin}` } });
    assert.equal(none.statusCode, 404);
    assert.equal(none.json().title, '未找到');
    assert.equal(none.json().detail, '用户 usr_nosuchuser 不存在');
  });
});
