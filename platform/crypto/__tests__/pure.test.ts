/**
 * The browser-safe crypto (platform/crypto/pure): SM3 agrees with OpenSSL's for every length
 * around the block boundaries, and SM2 verification with the browser's 4-bit tables accepts the
 * server's signatures and refuses altered ones, as the 8-bit server path does.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { curveBytes, verifyDigest } from '../pure/sm2-curve.js';
import { sm3 } from '../pure/sm3.js';
import { generateSm2KeyPair, sm2Sign, sm2Verify, sm2Z } from '../sm2.js';

describe('browser-safe SM3 and SM2', () => {
  test('SM3 matches OpenSSL from 0 to 200 bytes, and the standard’s “abc” vector', () => {
    for (let n = 0; n <= 200; n++) {
      const b = randomBytes(n);
      assert.equal(Buffer.from(sm3(b)).toString('hex'), createHash('sm3').update(b).digest('hex'), `length ${n}`);
    }
    assert.equal(Buffer.from(sm3(Buffer.from('abc'))).toString('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    assert.equal(
      Buffer.from(sm3(Buffer.from('ab'), Buffer.from('c'))).toString('hex'),
      Buffer.from(sm3(Buffer.from('abc'))).toString('hex'),
      'parts hash as one',
    );
  });

  test('Z_A from the pure curve bytes equals the server’s', () => {
    const k = generateSm2KeyPair();
    const id = Buffer.from('1234567812345678');
    const z = sm3(Uint8Array.from([0, 128]), id, curveBytes(), Buffer.from(k.publicKey.slice(2), 'hex'));
    assert.equal(Buffer.from(z).toString('hex'), sm2Z(k.publicKey).toString('hex'));
  });

  test('4-bit tables verify the server’s signatures and refuse altered ones, as the server does', () => {
    for (let i = 0; i < 20; i++) {
      const k = generateSm2KeyPair();
      const msg = Buffer.from(`{"typ":"WDC","n":"赵*","jti":"${i}"}`);
      const sig = sm2Sign(msg, k.privateKey, k.publicKey);
      const e = BigInt(`0x${Buffer.from(sm3(sm2Z(k.publicKey), msg)).toString('hex')}`);
      const r = BigInt(`0x${sig.subarray(0, 32).toString('hex')}`);
      const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
      assert.ok(verifyDigest(e, r, s, k.publicKey, 4), `key ${i}`);
      assert.ok(!verifyDigest(e + 1n, r, s, k.publicKey, 4), 'another message');
      assert.ok(!verifyDigest(e, r, s + 1n, k.publicKey, 4), 'another signature');
      assert.ok(sm2Verify(msg, sig, k.publicKey) && sm2Verify(msg, sig, k.publicKey), 'the server agrees (first and table paths)');
    }
  });
});
