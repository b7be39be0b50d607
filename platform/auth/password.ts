/**
 * Password hashing with scrypt (Node's built-in, memory-hard), and the password policy.
 * The hash string carries its parameters, so the cost can be raised later and old hashes
 * still verify: `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>`.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const LOG_N = 15; // N = 32768, r = 8: 32 MiB per hash
const R = 8;
const P = 1;
const KEYLEN = 32;

function scryptAsync(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEYLEN, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, LOG_N, R, P);
  return `scrypt$${LOG_N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (!(logN >= 10 && logN <= 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  const key = await scryptAsync(password, salt, logN, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash to compare against when the user does not exist, so timing does not reveal it. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

const COMMON = new Set([
  'password',
  'password1',
  '12345678',
  '123456789',
  '1234567890',
  'qwertyuiop',
  'a123456789',
  'abc123456',
  'iloveyou',
  'admin123',
  'woaini1314',
  '1qaz2wsx',
  'qwe123456',
  'p@ssw0rd',
  'passw0rd',
]);

export const PASSWORD_POLICY = {
  minLength: 10,
  maxLength: 128,
  minClasses: 3,
  description:
    'At least 10 characters, with at least three of: lower-case letters, upper-case letters, digits, symbols; not containing the username; not a common password.',
  descriptionZh: '至少10个字符，至少包含小写字母、大写字母、数字、符号中的三类；不得包含用户名；不得为常见密码。',
};

/** Returns the reasons a password breaks the policy; empty when it is acceptable. */
export function checkPasswordPolicy(password: string, username?: string): string[] {
  const reasons: string[] = [];
  if (password.length < PASSWORD_POLICY.minLength) reasons.push(`must be at least ${PASSWORD_POLICY.minLength} characters`);
  if (password.length > PASSWORD_POLICY.maxLength) reasons.push(`must be at most ${PASSWORD_POLICY.maxLength} characters`);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < PASSWORD_POLICY.minClasses) reasons.push('must mix at least three of lower-case, upper-case, digits and symbols');
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) reasons.push('must not contain the username');
  if (COMMON.has(password.toLowerCase())) reasons.push('is a common password');
  return reasons;
}

/** Passwords that satisfy the policy, for generated initial passwords. */
export function generatePassword(): string {
  const base = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x');
  return `${base}-Wd7`;
}

/** SHA-256 of a high-entropy token; tokens are stored only as this. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
