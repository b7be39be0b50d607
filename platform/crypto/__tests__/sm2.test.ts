/**
 * SM2 signatures (GB/T 32918.2, SM3, GM/T 0009's default ID) interoperate with an independent,
 * maintained implementation (`sm-crypto`): its signatures verify here and ours verify there;
 * a changed byte, another key or another ID fails.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { SM2_DEFAULT_ID, generateSm2KeyPair, sm2FromPem, sm2PublicPem, sm2Sign, sm2Verify } from '../sm2.js';

const require = createRequire(import.meta.url);
const { sm2 } = require('sm-crypto') as {
  sm2: {
    generateKeyPairHex(): { privateKey: string; publicKey: string };
    doSignature(msg: string, privateKey: string, o: { hash: boolean; publicKey: string; userId?: string }): string;
    doVerifySignature(msg: string, sig: string, publicKey: string, o: { hash: boolean; userId?: string }): boolean;
  };
};

describe('SM2 signatures', () => {
  const text = '{"holder":{"id":"91420300MA4900001X","kind":"enterprise"},"no":"YYZZ-1","typ":"营业执照"}';
  const message = Buffer.from(text, 'utf8');

  test('ours verify in sm-crypto (user ID 1234567812345678), 50 keys', () => {
    for (let i = 0; i < 50; i++) {
      const k = generateSm2KeyPair();
      const sig = sm2Sign(message, k.privateKey, k.publicKey);
      assert.equal(sig.length, 64);
      assert.ok(sm2.doVerifySignature(text, sig.toString('hex'), k.publicKey, { hash: true }), `key ${i}`);
      assert.ok(sm2.doVerifySignature(text, sig.toString('hex'), k.publicKey, { hash: true, userId: SM2_DEFAULT_ID }));
    }
  });

  test('sm-crypto’s verify here, 50 keys', () => {
    for (let i = 0; i < 50; i++) {
      const k = sm2.generateKeyPairHex();
      const sig = Buffer.from(sm2.doSignature(text, k.privateKey, { hash: true, publicKey: k.publicKey }), 'hex');
      assert.ok(sm2Verify(message, sig, k.publicKey), `key ${i}`);
    }
  });

  test('a changed byte, another key, another ID or a malformed signature fails', () => {
    const k = generateSm2KeyPair();
    const other = generateSm2KeyPair();
    const sig = sm2Sign(message, k.privateKey, k.publicKey);
    assert.ok(sm2Verify(message, sig, k.publicKey));
    const changed = Buffer.from(message);
    changed[10] = changed[10]! ^ 1;
    assert.equal(sm2Verify(changed, sig, k.publicKey), false);
    const flipped = Buffer.from(sig);
    flipped[40] = flipped[40]! ^ 0x80;
    assert.equal(sm2Verify(message, flipped, k.publicKey), false);
    assert.equal(sm2Verify(message, sig, other.publicKey), false);
    assert.equal(sm2Verify(message, sig, k.publicKey, 'ALICE123@YAHOO.COM'), false);
    assert.equal(sm2Verify(message, sig.subarray(0, 63), k.publicKey), false);
    assert.equal(sm2Verify(message, Buffer.alloc(64), k.publicKey), false);
    assert.equal(sm2Verify(message, sig, `04${'00'.repeat(64)}`), false, 'not a point on the curve');
    assert.equal(sm2Verify(message, sig, 'nonsense'), false);
    // A signature with another ID verifies with that ID only.
    const alice = sm2Sign(message, k.privateKey, k.publicKey, 'ALICE123@YAHOO.COM');
    assert.ok(sm2.doVerifySignature(text, alice.toString('hex'), k.publicKey, { hash: true, userId: 'ALICE123@YAHOO.COM' }));
    assert.equal(sm2Verify(message, alice, k.publicKey), false);
  });

  test('a key verified again is checked by its tables (issuers sign many): the same answers, good and bad', () => {
    const ours = generateSm2KeyPair();
    const theirs = sm2.generateKeyPairHex();
    for (let i = 0; i < 60; i++) {
      const m = `${text}#${i}`;
      const msg = Buffer.from(m, 'utf8');
      const a = sm2Sign(msg, ours.privateKey, ours.publicKey);
      const b = Buffer.from(sm2.doSignature(m, theirs.privateKey, { hash: true, publicKey: theirs.publicKey }), 'hex');
      assert.ok(sm2Verify(msg, a, ours.publicKey), `ours ${i}`);
      assert.ok(sm2Verify(msg, b, theirs.publicKey), `theirs ${i}`);
      assert.ok(sm2.doVerifySignature(m, a.toString('hex'), ours.publicKey, { hash: true }));
      // Each kind of fault, on the table path too.
      const changed = Buffer.from(msg);
      changed[i % msg.length] = changed[i % msg.length]! ^ 1;
      assert.equal(sm2Verify(changed, a, ours.publicKey), false);
      const flipped = Buffer.from(b);
      flipped[i % 64] = flipped[i % 64]! ^ 0x01;
      assert.equal(sm2Verify(msg, flipped, theirs.publicKey), false);
      assert.equal(sm2Verify(msg, a, theirs.publicKey), false);
      assert.equal(sm2Verify(msg, a, ours.publicKey, 'ALICE123@YAHOO.COM'), false);
    }
    // r or s out of range: 0, n and above.
    const n = 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123';
    const good = sm2Sign(message, ours.privateKey, ours.publicKey);
    assert.equal(sm2Verify(message, Buffer.from(n + good.toString('hex').slice(64), 'hex'), ours.publicKey), false);
    assert.equal(sm2Verify(message, Buffer.from(good.toString('hex').slice(0, 64) + n, 'hex'), ours.publicKey), false);
  });

  test('keys move between raw hex and PEM', () => {
    const k = generateSm2KeyPair();
    const pem = sm2PublicPem(k.publicKey);
    assert.match(pem, /BEGIN PUBLIC KEY/);
    const { createPrivateKey } = require('node:crypto') as typeof import('node:crypto');
    const sec1 = Buffer.concat([
      Buffer.from('30770201010420', 'hex'),
      Buffer.from(k.privateKey, 'hex'),
      Buffer.from('a00a06082a811ccf5501822da144034200', 'hex'),
      Buffer.from(k.publicKey, 'hex'),
    ]);
    const pkcs8 = createPrivateKey({ key: sec1, format: 'der', type: 'sec1' }).export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.deepEqual(sm2FromPem(pkcs8), k);
  });
});
