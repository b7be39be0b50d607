/**
 * SM2 digital signatures (GB/T 32918.2) with SM3 and a signer's distinguishing ID (GM/T 0009: by
 * default `1234567812345678`), interoperable with other SM2 implementations.
 *
 * Node's OpenSSL 3.0 signs SM2 only with an empty distinguishing ID (it cannot be set through
 * Node's API), so the signature scheme is computed here: the scalar multiplications on the SM2
 * curve are OpenSSL's (through ECDH on the `SM2` curve), the few field operations around them are
 * BigInt. Verification needs x(s·G + t·P_A): for a key verified again, it is computed here with
 * tables of multiples of G and of the key (see below), about five times faster than two of
 * OpenSSL's general multiplications, which check a key's first signature.
 */
import { createECDH, createHash, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';

import { A, B, GX, GY, N, P, hex64, invMod, keyTables, mod, powMod, seenOnce, verifyDigest } from './pure/sm2-curve.js';

/** GM/T 0009's default distinguishing ID. */
export const SM2_DEFAULT_ID = '1234567812345678';

const big = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);

/** An SM2 key pair as raw hex: the private scalar d, the public point 04‖x‖y. */
export interface Sm2KeyPair {
  privateKey: string;
  publicKey: string;
}

const ecdh = createECDH('SM2');

/** k·G, whole. */
function mulG(k: bigint): [bigint, bigint] {
  ecdh.setPrivateKey(Buffer.from(hex64(k), 'hex'));
  const pt = ecdh.getPublicKey();
  return [big(pt.subarray(1, 33)), big(pt.subarray(33))];
}

/** x(k·Q). */
function mulX(k: bigint, q: Buffer): bigint {
  ecdh.setPrivateKey(Buffer.from(hex64(k), 'hex'));
  return big(ecdh.computeSecret(q));
}

export function generateSm2KeyPair(): Sm2KeyPair {
  for (;;) {
    const d = big(randomBytes(32));
    if (d < 1n || d >= N - 1n) continue;
    const [x, y] = mulG(d);
    return { privateKey: hex64(d), publicKey: `04${hex64(x)}${hex64(y)}` };
  }
}

/** Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A). */
export function sm2Z(publicKey: string, id = SM2_DEFAULT_ID): Buffer {
  const idBytes = Buffer.from(id, 'utf8');
  const bits = idBytes.length * 8;
  return createHash('sm3')
    .update(Buffer.from([(bits >> 8) & 0xff, bits & 0xff]))
    .update(idBytes)
    .update(Buffer.from(hex64(A) + hex64(B) + hex64(GX) + hex64(GY), 'hex'))
    .update(Buffer.from(publicKey.slice(2), 'hex'))
    .digest();
}

function digestOf(message: Buffer, publicKey: string, id: string): bigint {
  return big(createHash('sm3').update(sm2Z(publicKey, id)).update(message).digest());
}

function checkPublicKey(publicKey: string): Buffer {
  if (!/^04[0-9a-fA-F]{128}$/.test(publicKey)) throw new Error('an SM2 public key is 04‖x‖y in hex (130 characters)');
  return Buffer.from(publicKey, 'hex');
}

/** Signs a message; the signature is r‖s, 64 bytes (128 hex characters). */
export function sm2Sign(message: Buffer, privateKey: string, publicKey: string, id = SM2_DEFAULT_ID): Buffer {
  return signWith(message, privateKey, publicKey, id, () => big(randomBytes(32)));
}

function signWith(message: Buffer, privateKey: string, publicKey: string, id: string, nextK: () => bigint): Buffer {
  checkPublicKey(publicKey);
  const d = BigInt(`0x${privateKey}`);
  const e = digestOf(message, publicKey, id);
  const dInv = invMod(1n + d, N);
  for (;;) {
    const k = nextK();
    if (k < 1n || k >= N) continue;
    const [x1] = mulG(k);
    const r = mod(e + x1, N);
    if (r === 0n || r + k === N) continue;
    const s = mod(dInv * (k - r * d), N);
    if (s === 0n) continue;
    return Buffer.from(hex64(r) + hex64(s), 'hex');
  }
}

/** Verifies r‖s (64 bytes) over a message for a public key and distinguishing ID. */
export function sm2Verify(message: Buffer, signature: Buffer, publicKey: string, id = SM2_DEFAULT_ID): boolean {
  // A key's table pays off from its second verification: the first is checked by multiplication.
  if (!keyTables.has(publicKey) && !seenOnce(publicKey)) return verifyByMultiplication(message, signature, publicKey, id);
  if (signature.length !== 64) return false;
  return verifyDigest(digestOf(message, publicKey, id), big(signature.subarray(0, 32)), big(signature.subarray(32)), publicKey);
}

/**
 * The check by two of OpenSSL's multiplications, for a key seen once: OpenSSL gives s·G whole and
 * t·P_A's x, and the sum's x is checked against the candidates (r − e) mod n and that plus n
 * through the addition law squared, so no square root or inversion is needed. It accepts a
 * signature made for P_A or −P_A: only the holder of d can make either.
 */
function verifyByMultiplication(message: Buffer, signature: Buffer, publicKey: string, id: string): boolean {
  let q: Buffer;
  try {
    q = checkPublicKey(publicKey);
  } catch {
    return false;
  }
  if (signature.length !== 64) return false;
  const r = big(signature.subarray(0, 32));
  const s = big(signature.subarray(32));
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = mod(r + s, N);
  if (t === 0n) return false;
  const e = digestOf(message, publicKey, id);
  let sx: bigint;
  let sy: bigint;
  let tx: bigint;
  try {
    [sx, sy] = mulG(s);
    tx = mulX(t, q);
  } catch {
    return false; // not a point on the curve
  }
  const ty2 = mod(tx * tx * tx + A * tx + B, P);
  const D = mod(tx - sx, P);
  if (D === 0n) {
    // s·G and t·P_A share x: their sum is the point at infinity or a doubling.
    const ty = powMod(ty2, (P + 1n) / 4n, P);
    if (ty !== sy && ty !== mod(-sy, P)) return false;
    if (ty !== sy) return false; // s·G − s·G: infinity
    const l = mod((3n * sx * sx + A) * invMod(2n * sy, P), P);
    return mod(e + mod(l * l - 2n * sx, P), N) === r;
  }
  // x = λ² − s_x − t_x with λ = (t_y − s_y)/D: for a candidate X, (X + s_x + t_x)·D² = (t_y − s_y)²,
  // i.e. X·D² + (s_x + t_x)·D² − t_y² − s_y² = −2·t_y·s_y; squared, t_y's sign drops out.
  const D2 = (D * D) % P;
  const rhs = (((4n * ty2) % P) * ((sy * sy) % P)) % P;
  const base = mod((sx + tx) * D2 - ty2 - sy * sy, P);
  for (let X = mod(r - e, N); X < P; X += N) {
    const lhs = mod(X * D2 + base, P);
    if ((lhs * lhs) % P === rhs) return true;
  }
  return false;
}

/** The private scalar and public point of an SM2 key in PEM (PKCS#8 / SPKI), as raw hex. */
export function sm2FromPem(privateKeyPem: string): Sm2KeyPair {
  const key = createPrivateKey(privateKeyPem);
  // (Exporting an SM2 key as SEC1 aborts Node 20; PKCS#8 holds the same ECPrivateKey.)
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING (32), ... }
  const at = pkcs8.indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20]));
  if (at < 0) throw new Error('not an SM2 private key');
  const d = pkcs8.subarray(at + 5, at + 37).toString('hex');
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return { privateKey: d, publicKey: spki.subarray(spki.length - 65).toString('hex') };
}

/** A public SM2 point as an SPKI PEM (for key lists that carry PEM as well). */
export function sm2PublicPem(publicKey: string): string {
  const prefix = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');
  const der = Buffer.concat([prefix, checkPublicKey(publicKey)]);
  return createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
}

export type { KeyObject };
