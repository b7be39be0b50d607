/**
 * Offline verification of a city code (城市码) in the browser: the keys are fetched once and kept
 * on the device; a code is then checked with no network, by the same rules as the server
 * (modules/superapp/citycode.ts judgeCode): its form, a key of the city, the SM2/SM3 signature
 * (user ID 1234567812345678; the platform's browser-safe SM3 and curve arithmetic with 4-bit
 * tables of G and of each key, made once), and its minute (10 s of clock difference allowed).
 */
import { curveBytes, generatorTable, verifyDigest, verifyingTable } from '../../platform/crypto/pure/sm2-curve';
import { sm3 } from '../../platform/crypto/pure/sm3';

export interface CodeKey {
  kid: string;
  alg: 'SM2-SM3' | 'Ed25519';
  publicKey: string;
}

export interface CodePayload {
  typ: 'WDC';
  h: string;
  k: 'person' | 'enterprise';
  n: string;
  iat: number;
  exp: number;
  jti: string;
  kid: string;
  alg: string;
}

export type OfflineVerdict = 'valid' | 'expired' | 'not_yet_valid' | 'forged' | 'unknown_key' | 'malformed' | 'unchecked';

const SKEW_S = 10;
const KEYS = 'wudang.citycode.keys';

function fromBase64Url(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** The keys kept on this device, and when they were fetched. */
export function storedKeys(): { keys: CodeKey[]; at: number } | null {
  try {
    const raw = localStorage.getItem(KEYS);
    return raw ? (JSON.parse(raw) as { keys: CodeKey[]; at: number }) : null;
  } catch {
    return null;
  }
}

/** Fetches the published keys and keeps them; answers the kept ones when the network is down. */
export async function refreshKeys(): Promise<{ keys: CodeKey[]; at: number } | null> {
  try {
    const r = await fetch('/api/open/citycode/keys');
    if (!r.ok) throw new Error(String(r.status));
    const body = (await r.json()) as { keys: CodeKey[] };
    const kept = { keys: body.keys.map(({ kid, alg, publicKey }) => ({ kid, alg, publicKey })), at: Date.now() };
    localStorage.setItem(KEYS, JSON.stringify(kept));
    return kept;
  } catch {
    return storedKeys();
  }
}

const ID = new TextEncoder().encode('1234567812345678');
const zs = new Map<string, Uint8Array>();

/** Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A), once per key. */
function zOf(publicKey: string): Uint8Array {
  let z = zs.get(publicKey);
  if (!z) {
    const point = Uint8Array.from(publicKey.slice(2).match(/../g) ?? [], (h) => Number.parseInt(h, 16));
    z = sm3(Uint8Array.from([(ID.length * 8) >> 8, (ID.length * 8) & 0xff]), ID, curveBytes(), point);
    zs.set(publicKey, z);
  }
  return z;
}

/** Makes the tables of G and of the keys ahead of the first scan (a few tens of milliseconds). */
export function prepareKeys(keys: CodeKey[]): void {
  generatorTable(4);
  for (const k of keys) if (k.alg === 'SM2-SM3') verifyingTable(k.publicKey, 4);
}

async function holds(key: CodeKey, message: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>): Promise<boolean> {
  if (key.alg === 'SM2-SM3') {
    if (signature.length !== 64 || !/^04[0-9a-fA-F]{128}$/.test(key.publicKey)) return false;
    const e = BigInt(`0x${hex(sm3(zOf(key.publicKey), message))}`);
    return verifyDigest(e, BigInt(`0x${hex(signature.subarray(0, 32))}`), BigInt(`0x${hex(signature.subarray(32))}`), key.publicKey, 4);
  }
  // Ed25519 where the browser's Web Crypto has it.
  try {
    const pem = key.publicKey.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const k = await crypto.subtle.importKey('spki', fromBase64Url(pem.replace(/\+/g, '-').replace(/\//g, '_')), { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, k, signature, message);
  } catch {
    return false;
  }
}

/** Judges a scanned text with the kept keys at a time (seconds); no network. */
export async function verifyOffline(
  text: string,
  keys: CodeKey[],
  nowS = Math.floor(Date.now() / 1000),
): Promise<{ verdict: OfflineVerdict; payload: CodePayload | null }> {
  const parts = text.trim().split('.');
  if (parts.length !== 3 || parts[0] !== 'WD1') return { verdict: 'malformed', payload: null };
  let payload: CodePayload;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64Url(parts[1]!);
    payload = JSON.parse(new TextDecoder().decode(bytes)) as CodePayload;
  } catch {
    return { verdict: 'malformed', payload: null };
  }
  if (payload.typ !== 'WDC' || typeof payload.exp !== 'number') return { verdict: 'malformed', payload: null };
  const key = keys.find((k) => k.kid === payload.kid);
  if (!key || key.alg !== payload.alg) return { verdict: keys.length ? 'unknown_key' : 'unchecked', payload };
  if (!(await holds(key, bytes, fromBase64Url(parts[2]!)))) return { verdict: 'forged', payload };
  if (payload.iat > nowS + SKEW_S) return { verdict: 'not_yet_valid', payload };
  if (payload.exp + SKEW_S < nowS) return { verdict: 'expired', payload };
  return { verdict: 'valid', payload };
}
