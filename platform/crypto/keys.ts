/** A new signing key pair of an algorithm the platform signs documents with (licences, city codes). */
import { generateKeyPairSync } from 'node:crypto';
import type { DocumentAlg } from './signed-document.js';
import { generateSm2KeyPair } from './sm2.js';

/** SM2: the raw private scalar and public point (hex); Ed25519: PKCS#8 and SPKI PEM. */
export function generateSigningKeyPair(alg: DocumentAlg): { privateKey: string; publicKey: string } {
  if (alg === 'SM2-SM3') return generateSm2KeyPair();
  const k = generateKeyPairSync('ed25519');
  return {
    privateKey: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
