/** Issuers' private keys at rest: AES-256-GCM under the configured key, bound to the key ID. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** iv ‖ tag ‖ ciphertext, base64. */
export function seal(secret: string, masterKey: Buffer, kid: string): string {
  if (masterKey.length !== 32) throw new Error('the key-sealing key must be 32 bytes');
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', masterKey, iv);
  c.setAAD(Buffer.from(kid));
  const body = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
}

export function openSealed(sealed: string, masterKey: Buffer, kid: string): string {
  const raw = Buffer.from(sealed, 'base64');
  const d = createDecipheriv('aes-256-gcm', masterKey, raw.subarray(0, 12));
  d.setAAD(Buffer.from(kid));
  d.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
}
