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

const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const A = 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn;
const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
const GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;

/** GM/T 0009's default distinguishing ID. */
export const SM2_DEFAULT_ID = '1234567812345678';

const hex64 = (x: bigint) => x.toString(16).padStart(64, '0');
const big = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);
const mod = (x: bigint, m: bigint) => {
  const r = x % m;
  return r < 0n ? r + m : r;
};

function powMod(base: bigint, exp: bigint, m: bigint): bigint {
  let r = 1n;
  let x = mod(base, m);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * x) % m;
    x = (x * x) % m;
    e >>= 1n;
  }
  return r;
}

/** Modular inverse by the extended Euclidean algorithm. */
function invMod(x: bigint, m: bigint): bigint {
  let [a, b, u, v] = [mod(x, m), m, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [u, v] = [v, u - q * v];
  }
  if (a !== 1n) throw new Error('not invertible');
  return mod(u, m);
}

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
  const key = verifyingTable(publicKey);
  if (!key || signature.length !== 64) return false;
  const r = big(signature.subarray(0, 32));
  const s = big(signature.subarray(32));
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = mod(r + s, N);
  if (t === 0n) return false;
  const e = digestOf(message, publicKey, id);
  // (x1, y1) = s·G + t·P_A, in Jacobian coordinates: x1 = X/Z². The signature holds when
  // r = (e + x1) mod n, i.e. x1 is (r − e) mod n or that plus a multiple of n below p: checked as
  // candidate·Z² = X, with no inversion.
  const [X, , Z] = combMul(combMul(INFINITY, generatorTable(), s), key, t);
  if (Z === 0n) return false;
  const Z2 = (Z * Z) % P;
  for (let c = mod(r - e, N); c < P; c += N) if ((c * Z2) % P === X) return true;
  return false;
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

// ---- verification by fixed-base tables ----
//
// A verification needs s·G + t·P_A. Both bases are fixed (the generator, and an issuer's key that
// signs many licences), so each gets a table of its multiples, j·2^(8i)·Q for every byte position
// i and byte value j, and a scalar multiplication is 32 point additions looked up by the scalar's
// bytes: about a fifth of the time of two general multiplications. A table takes about a quarter
// of a second to make, once per key in a process, and holds 8,160 points (about 1 MB). Verifying
// handles only public data, so the lookups need not be constant-time; signing keeps OpenSSL's.

/** A point in Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at infinity. */
type Jacobian = readonly [bigint, bigint, bigint];
const INFINITY: Jacobian = [1n, 1n, 0n];
const fp = (x: bigint) => mod(x, P);

function double([X, Y, Z]: Jacobian): Jacobian {
  if (Z === 0n || Y === 0n) return INFINITY;
  const YY = (Y * Y) % P;
  const S = (4n * X * YY) % P;
  const ZZ = (Z * Z) % P;
  const M = fp(3n * X * X + A * ((ZZ * ZZ) % P));
  const X3 = fp(M * M - 2n * S);
  return [X3, fp(M * (S - X3) - 8n * ((YY * YY) % P)), (2n * Y * Z) % P];
}

/** p + q, both Jacobian. */
function add(p: Jacobian, q: Jacobian): Jacobian {
  if (p[2] === 0n) return q;
  if (q[2] === 0n) return p;
  const [X1, Y1, Z1] = p;
  const [X2, Y2, Z2] = q;
  const Z1Z1 = (Z1 * Z1) % P;
  const Z2Z2 = (Z2 * Z2) % P;
  const U1 = (X1 * Z2Z2) % P;
  const S1 = (((Y1 * Z2) % P) * Z2Z2) % P;
  const H = fp(((X2 * Z1Z1) % P) - U1);
  const R = fp(((((Y2 * Z1) % P) * Z1Z1) % P) - S1);
  if (H === 0n) return R === 0n ? double(p) : INFINITY;
  const HH = (H * H) % P;
  const HHH = (H * HH) % P;
  const V = (U1 * HH) % P;
  const X3 = fp(R * R - HHH - 2n * V);
  return [X3, fp(R * (V - X3) - S1 * HHH), (((Z1 * Z2) % P) * H) % P];
}

/** p + (x, y) with (x, y) affine. */
function addAffine(p: Jacobian, x: bigint, y: bigint): Jacobian {
  const [X1, Y1, Z1] = p;
  if (Z1 === 0n) return [x, y, 1n];
  const Z1Z1 = (Z1 * Z1) % P;
  const H = fp(((x * Z1Z1) % P) - X1);
  const R = fp(((((y * Z1) % P) * Z1Z1) % P) - Y1);
  if (H === 0n) return R === 0n ? double(p) : INFINITY;
  const HH = (H * H) % P;
  const HHH = (H * HH) % P;
  const V = (X1 * HH) % P;
  const X3 = fp(R * R - HHH - 2n * V);
  return [X3, fp(R * (V - X3) - Y1 * HHH), (Z1 * H) % P];
}

/** The affine multiples j·2^(8i)·Q (i < 32, 1 ≤ j ≤ 255) as a flat x, y array. */
function makeTable(x: bigint, y: bigint): bigint[] {
  const points: Jacobian[] = [];
  let base: Jacobian = [x, y, 1n];
  for (let i = 0; i < 32; i++) {
    let acc = base;
    for (let j = 1; j < 256; j++) {
      points.push(acc);
      acc = add(acc, base);
    }
    base = acc;
  }
  // One inversion for all of them (Montgomery's trick). No multiple of a point of prime order n
  // below 2^256 · 255 is the point at infinity, so every Z is invertible.
  const prefix = new Array<bigint>(points.length);
  let product = 1n;
  for (let i = 0; i < points.length; i++) {
    prefix[i] = product;
    product = (product * points[i]![2]) % P;
  }
  let inverse = invMod(product, P);
  const out = new Array<bigint>(2 * points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const [Xi, Yi, Zi] = points[i]!;
    const zInv = (inverse * prefix[i]!) % P;
    inverse = (inverse * Zi) % P;
    const zInv2 = (zInv * zInv) % P;
    out[2 * i] = (Xi * zInv2) % P;
    out[2 * i + 1] = (((Yi * zInv2) % P) * zInv) % P;
  }
  return out;
}

/** acc + k·Q, with Q's table. */
function combMul(acc: Jacobian, table: readonly bigint[], k: bigint): Jacobian {
  let out = acc;
  for (let i = 0; i < 32; i++) {
    const byte = Number((k >> BigInt(8 * i)) & 0xffn);
    if (byte) {
      const at = 2 * (i * 255 + byte - 1);
      out = addAffine(out, table[at]!, table[at + 1]!);
    }
  }
  return out;
}

let gTable: bigint[] | null = null;
const generatorTable = () => {
  gTable ??= makeTable(GX, GY);
  return gTable;
};

/** Tables of the public keys verified lately (an issuer's key verifies many licences). */
const keyTables = new Map<string, bigint[]>();
const MAX_KEY_TABLES = 64;
/** Keys verified once (a table is made on the second verification). */
const seen = new Set<string>();

/** Whether the key was verified before; remembers it otherwise. */
function seenOnce(publicKey: string): boolean {
  if (seen.has(publicKey)) return true;
  if (seen.size >= 4096) seen.clear();
  seen.add(publicKey);
  return false;
}

/** The table of a public key, or null when it is not a point of the curve. */
function verifyingTable(publicKey: string): bigint[] | null {
  const hit = keyTables.get(publicKey);
  if (hit) return hit;
  if (!/^04[0-9a-fA-F]{128}$/.test(publicKey)) return null;
  const x = BigInt(`0x${publicKey.slice(2, 66)}`);
  const y = BigInt(`0x${publicKey.slice(66)}`);
  if (x >= P || y >= P || (y * y) % P !== mod(x * x * x + A * x + B, P)) return null;
  const table = makeTable(x, y);
  if (keyTables.size >= MAX_KEY_TABLES) keyTables.delete(keyTables.keys().next().value!);
  keyTables.set(publicKey, table);
  return table;
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
