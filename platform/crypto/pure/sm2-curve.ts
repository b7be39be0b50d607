/**
 * The SM2 curve's arithmetic in plain TypeScript (BigInt, no Node.js API), shared by the server's
 * signature verification (platform/crypto/sm2.ts) and the browser's offline city-code check
 * (web/shared/citycode.ts): the curve's constants, points in Jacobian coordinates, and fixed-base
 * tables of a point's multiples, with which a scalar multiplication is a few dozen additions.
 */
export const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
export const A = 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn;
export const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
export const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
export const GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
export const GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;

export const hex64 = (x: bigint) => x.toString(16).padStart(64, '0');
export const mod = (x: bigint, m: bigint) => {
  const r = x % m;
  return r < 0n ? r + m : r;
};

export function powMod(base: bigint, exp: bigint, m: bigint): bigint {
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
export function invMod(x: bigint, m: bigint): bigint {
  let [a, b, u, v] = [mod(x, m), m, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [u, v] = [v, u - q * v];
  }
  if (a !== 1n) throw new Error('not invertible');
  return mod(u, m);
}

// Verification by fixed-base tables.
//
// A verification needs s·G + t·P_A. Both bases are fixed (the generator, and an issuer's key that
// signs many licences), so each gets a table of its multiples, j·2^(8i)·Q for every byte position
// i and byte value j, and a scalar multiplication is 32 point additions looked up by the scalar's
// bytes: about a fifth of the time of two general multiplications. A table takes about a quarter
// of a second to make, once per key in a process, and holds 8,160 points (about 1 MB). Verifying
// handles only public data, so the lookups need not be constant-time; signing keeps OpenSSL's.

/** A point in Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at infinity. */
export type Jacobian = readonly [bigint, bigint, bigint];
export const INFINITY: Jacobian = [1n, 1n, 0n];
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

/** A table of a point's multiples for `bits`-wide windows of a scalar. */
export interface Table {
  bits: number;
  xy: bigint[];
}

/**
 * The affine multiples j·2^(bits·i)·Q (i < 256/bits, 1 ≤ j < 2^bits) as a flat x, y array. The
 * server uses 8-bit windows (32 additions a multiplication, 8,160 points); a browser 4-bit ones
 * (64 additions, 960 points, made in an eighth of the time).
 */
export function makeTable(x: bigint, y: bigint, bits = 8): Table {
  const points: Jacobian[] = [];
  let base: Jacobian = [x, y, 1n];
  const windows = 256 / bits;
  const values = 1 << bits;
  for (let i = 0; i < windows; i++) {
    let acc = base;
    for (let j = 1; j < values; j++) {
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
  return { bits, xy: out };
}

/** acc + k·Q, with Q's table. */
export function combMul(acc: Jacobian, table: Table, k: bigint): Jacobian {
  let out = acc;
  const { bits, xy } = table;
  const windows = 256 / bits;
  const per = (1 << bits) - 1;
  const mask = BigInt(per);
  for (let i = 0; i < windows; i++) {
    const w = Number((k >> BigInt(bits * i)) & mask);
    if (w) {
      const at = 2 * (i * per + w - 1);
      out = addAffine(out, xy[at]!, xy[at + 1]!);
    }
  }
  return out;
}

const gTables = new Map<number, Table>();
export const generatorTable = (bits = 8): Table => {
  let t = gTables.get(bits);
  if (!t) {
    t = makeTable(GX, GY, bits);
    gTables.set(bits, t);
  }
  return t;
};

/** Tables of the public keys verified lately (an issuer's key verifies many licences). */
export const keyTables = new Map<string, Table>();
const MAX_KEY_TABLES = 64;
/** Keys verified once (a table is made on the second verification). */
const seen = new Set<string>();

/** Whether the key was verified before; remembers it otherwise. */
export function seenOnce(publicKey: string): boolean {
  if (seen.has(publicKey)) return true;
  if (seen.size >= 4096) seen.clear();
  seen.add(publicKey);
  return false;
}

/** The table of a public key, or null when it is not a point of the curve. */
export function verifyingTable(publicKey: string, bits = 8): Table | null {
  const hit = keyTables.get(publicKey);
  if (hit && hit.bits === bits) return hit;
  if (!/^04[0-9a-fA-F]{128}$/.test(publicKey)) return null;
  const x = BigInt(`0x${publicKey.slice(2, 66)}`);
  const y = BigInt(`0x${publicKey.slice(66)}`);
  if (x >= P || y >= P || (y * y) % P !== mod(x * x * x + A * x + B, P)) return null;
  const table = makeTable(x, y, bits);
  if (keyTables.size >= MAX_KEY_TABLES) keyTables.delete(keyTables.keys().next().value!);
  keyTables.set(publicKey, table);
  return table;
}

/**
 * Whether r‖s is a signature of the message digest e (SM3 of Z_A ‖ M, as a number) for the key:
 * x1 of s·G + t·P_A (t = r + s) must satisfy r = (e + x1) mod n. Tables of `bits`-wide windows.
 */
export function verifyDigest(e: bigint, r: bigint, s: bigint, publicKey: string, bits = 8): boolean {
  const key = verifyingTable(publicKey, bits);
  if (!key) return false;
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = mod(r + s, N);
  if (t === 0n) return false;
  // (x1, y1) in Jacobian coordinates: x1 = X/Z². The signature holds when x1 is (r − e) mod n or
  // that plus a multiple of n below p: checked as candidate·Z² = X, with no inversion.
  const [X, , Z] = combMul(combMul(INFINITY, generatorTable(bits), s), key, t);
  if (Z === 0n) return false;
  const Z2 = (Z * Z) % P;
  for (let c = mod(r - e, N); c < P; c += N) if ((c * Z2) % P === X) return true;
  return false;
}

/** The bytes SM2 hashes into Z_A after ENTL and the ID: a ‖ b ‖ x_G ‖ y_G. */
export function curveBytes(): Uint8Array {
  const hex = hex64(A) + hex64(B) + hex64(GX) + hex64(GY);
  return Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16));
}
