/**
 * Signed documents a verifier checks offline (electronic licences, issue 19; the city code, issue
 * 21): a JSON payload, its canonical form (RFC 8785) signed with SM2/SM3 (GM/T 0009's default ID)
 * or Ed25519, carried as one line of text that fits a QR code:
 *
 *     WD1.<base64url(canonical JSON payload)>.<base64url(signature)>
 *
 * The payload names its signing key (`kid`) and algorithm (`alg`); a verifier holding the issuers'
 * published public keys needs nothing else to check it.
 */
import { createPublicKey, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { sm2Sign, sm2Verify } from './sm2.js';

export const DOCUMENT_PREFIX = 'WD1';

export type DocumentAlg = 'SM2-SM3' | 'Ed25519';

/** What every signed payload carries to name its key. */
export interface SignedHeader {
  kid: string;
  alg: DocumentAlg;
}

/** A signing key: for SM2, the raw private scalar and public point (hex); for Ed25519, PKCS#8 and SPKI PEM. */
export interface SigningKey {
  kid: string;
  alg: DocumentAlg;
  privateKey: string;
  publicKey: string;
}

/** A published key: what a verifier needs. */
export interface VerifyingKey {
  kid: string;
  alg: DocumentAlg;
  publicKey: string;
}

export function signDocument<T extends SignedHeader>(payload: T, key: SigningKey): string {
  if (payload.kid !== key.kid || payload.alg !== key.alg) throw new Error('the payload must name the key that signs it');
  const bytes = Buffer.from(canonicalJson(payload), 'utf8');
  const signature = key.alg === 'SM2-SM3' ? sm2Sign(bytes, key.privateKey, key.publicKey) : sign(null, bytes, key.privateKey);
  return `${DOCUMENT_PREFIX}.${bytes.toString('base64url')}.${signature.toString('base64url')}`;
}

export type Decoded<T> = { ok: true; payload: T; bytes: Buffer; signature: Buffer } | { ok: false; reason: 'malformed' };

/** Splits a document into its payload and signature, without checking the signature. */
export function decodeDocument<T extends SignedHeader>(text: string): Decoded<T> {
  const parts = text.trim().split('.');
  if (parts.length !== 3 || parts[0] !== DOCUMENT_PREFIX || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[A-Za-z0-9_-]+$/.test(parts[2]!))
    return { ok: false, reason: 'malformed' };
  const bytes = Buffer.from(parts[1]!, 'base64url');
  const signature = Buffer.from(parts[2]!, 'base64url');
  let payload: unknown;
  try {
    payload = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return { ok: false, reason: 'malformed' };
  const h = payload as Partial<SignedHeader>;
  if (typeof h.kid !== 'string' || (h.alg !== 'SM2-SM3' && h.alg !== 'Ed25519')) return { ok: false, reason: 'malformed' };
  // The signed bytes are the canonical form: anything else was not made here.
  let canonical: string;
  try {
    canonical = canonicalJson(payload);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (canonical !== bytes.toString('utf8')) return { ok: false, reason: 'malformed' };
  return { ok: true, payload: payload as T, bytes, signature };
}

/** Whether the signature over the payload's bytes is the named key's. */
export function signatureHolds(bytes: Buffer, signature: Buffer, key: VerifyingKey): boolean {
  if (key.alg === 'SM2-SM3') return sm2Verify(bytes, signature, key.publicKey);
  try {
    return verify(null, bytes, createPublicKey(key.publicKey), signature);
  } catch {
    return false;
  }
}
