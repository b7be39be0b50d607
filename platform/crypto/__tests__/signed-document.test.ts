/**
 * Signed documents: made with SM2 (verified by sm-crypto too) or Ed25519, checked offline with the
 * published key; a changed byte, a payload that is not in canonical form, another key, a
 * malformed text are each told apart.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { DOCUMENT_PREFIX, type SigningKey, decodeDocument, signDocument, signatureHolds } from '../signed-document.js';
import { generateSm2KeyPair } from '../sm2.js';

const require = createRequire(import.meta.url);
const { sm2 } = require('sm-crypto') as { sm2: { doVerifySignature(m: string, s: string, p: string, o: { hash: boolean }): boolean } };

const sm2Key = (): SigningKey => {
  const k = generateSm2KeyPair();
  return { kid: 'k-sm2', alg: 'SM2-SM3', privateKey: k.privateKey, publicKey: k.publicKey };
};
const edKey = (): SigningKey => {
  const k = generateKeyPairSync('ed25519');
  return {
    kid: 'k-ed',
    alg: 'Ed25519',
    privateKey: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};
const payload = (key: SigningKey) => ({
  no: 'YYZZ-420300-000001',
  holder: { name: '十堰示例商贸有限公司', id: '91420300MA4900001X' },
  exp: null,
  kid: key.kid,
  alg: key.alg,
});

describe('signed documents', () => {
  for (const make of [sm2Key, edKey]) {
    test(`${make().alg}: signed, decoded, checked with the published key`, () => {
      const key = make();
      const text = signDocument(payload(key), key);
      assert.ok(text.startsWith(`${DOCUMENT_PREFIX}.`));
      const d = decodeDocument<ReturnType<typeof payload>>(text);
      assert.ok(d.ok);
      assert.equal(d.payload.holder.name, '十堰示例商贸有限公司');
      assert.ok(signatureHolds(d.bytes, d.signature, key));
      // The signed bytes are RFC 8785 canonical JSON: members sorted, no spaces.
      assert.equal(
        d.bytes.toString(),
        `{"alg":"${key.alg}","exp":null,"holder":{"id":"91420300MA4900001X","name":"十堰示例商贸有限公司"},"kid":"${key.kid}","no":"YYZZ-420300-000001"}`,
      );
      if (key.alg === 'SM2-SM3')
        assert.ok(sm2.doVerifySignature(d.bytes.toString('utf8'), d.signature.toString('hex'), key.publicKey, { hash: true }), 'sm-crypto agrees');
      // Another key of the same kind does not hold.
      assert.equal(signatureHolds(d.bytes, d.signature, make()), false);
    });
  }

  test('a changed byte fails; a payload not in canonical form, or a malformed text, is malformed', () => {
    const key = sm2Key();
    const text = signDocument(payload(key), key);
    const [prefix, body, sig] = text.split('.') as [string, string, string];
    const changed = Buffer.from(body, 'base64url').toString('utf8').replace('000001', '000002');
    const d = decodeDocument(`${prefix}.${Buffer.from(changed).toString('base64url')}.${sig}`);
    assert.ok(d.ok);
    assert.equal(signatureHolds(d.bytes, d.signature, key), false, 'the signature no longer holds');
    const spaced = JSON.stringify(JSON.parse(Buffer.from(body, 'base64url').toString()), null, 1);
    assert.deepEqual(decodeDocument(`${prefix}.${Buffer.from(spaced).toString('base64url')}.${sig}`), { ok: false, reason: 'malformed' });
    for (const bad of [
      '',
      'WD1',
      'WD1..',
      'XX1.e30.AA',
      `WD1.${Buffer.from('[1]').toString('base64url')}.AA`,
      `WD1.${Buffer.from('{"kid":1}').toString('base64url')}.AA`,
      'WD1.###.AA',
      `WD1.${Buffer.from('{').toString('base64url')}.AA`,
    ])
      assert.deepEqual(decodeDocument(bad), { ok: false, reason: 'malformed' }, bad);
    assert.throws(() => signDocument({ ...payload(key), kid: 'other' }, key), /name the key/);
  });
});
