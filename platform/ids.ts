import { randomBytes, randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/**
 * Prefixed, time-ordered ids such as `usr_01h9...`: 10 chars of milliseconds then 12 random,
 * so ids sort by creation time and say what they name.
 */
export function newId(prefix: string, now = Date.now()): string {
  let t = now;
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (poolAt + 12 > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  let rand = '';
  for (let i = 0; i < 12; i++) rand += ALPHABET[POOL[poolAt + i]! % 32];
  poolAt += 12;
  return `${prefix}_${time}${rand}`;
}

/**
 * Random bytes for ids, drawn from the CSPRNG a pool at a time: one call per 340 ids instead of
 * one per id (a fleet's worth of events made ids a visible share of a burst's CPU).
 */
const POOL = Buffer.alloc(4080);
let poolAt = POOL.length;

/** A URL-safe random secret of the given number of bytes. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
