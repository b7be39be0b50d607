/**
 * Password hashing with scrypt (Node's built-in, memory-hard), and the password policy.
 * The hash string carries its parameters, so the cost can be raised later and old hashes
 * still verify: `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>`.
 */
import type { Text } from '../i18n/index.js';
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

/** Whole passwords seen in every leaked list. */
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

/**
 * Words people decorate with a capital, a symbol and a year ("Admin@123456", "P@ssw0rd123"): a
 * password whose letters, once the decoration is taken off and look-alike symbols read back as
 * letters, are one of these is refused. The platform's and the city's own names are among them,
 * and so is the published demo password.
 */
const COMMON_WORDS = new Set([
  'password',
  'passwort',
  'passwd',
  'pass',
  'admin',
  'administrator',
  'root',
  'user',
  'guest',
  'test',
  'welcome',
  'letmein',
  'iloveyou',
  'loveyou',
  'monkey',
  'dragon',
  'master',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'shadow',
  'superman',
  'changeme',
  'secret',
  'login',
  'default',
  'woaini',
  'china',
  'beijing',
  'wudang',
  'zhihui',
  'smartcity',
  'qwerty',
  'qwer',
  'asdf',
  'zxcv',
  'abcd',
  'abc',
]);

/** Keyboard rows, columns and runs: a password that is a stretch of one of these (either way) is refused. */
const WALKS = [
  '`1234567890-=',
  'qwertyuiop[]\\',
  "asdfghjkl;'",
  'zxcvbnm,./',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/',
  'qazwsxedcrfvtgbyhnujmikolp',
  '1q2w3e4r5t6y7u8i9o0p',
  'abcdefghijklmnopqrstuvwxyz',
];

/** The demo accounts' published password: never acceptable for any account a person sets. */
export const PUBLISHED_DEMO_PASSWORD = 'Wudang@2026';

const LEET: Record<string, string> = { '@': 'a', '4': 'a', '0': 'o', '3': 'e', '1': 'i', '!': 'i', $: 's', '5': 's', '7': 't', '9': 'g' };

/** The letters under a decoration: "P@ssw0rd123!" → "password", "2026@Wudang" → "wudang". */
function coreWord(password: string): string {
  const trimmed = password
    .toLowerCase()
    .replace(/^[^a-z]+/, '')
    .replace(/[^a-z]+$/, '');
  return [...trimmed]
    .map((c) => LEET[c] ?? c)
    .join('')
    .replace(/[^a-z]/g, '');
}

function isWalk(text: string): boolean {
  const t = text.toLowerCase();
  if (t.length < 6) return false;
  return WALKS.some((w) => w.includes(t) || [...w].reverse().join('').includes(t));
}

const RUN: Text = { zh: '是键盘连续键或连续字符', en: 'is a run of keys or characters' };

/** Why a password is too easy to guess, if it is. */
function guessable(password: string): Text | undefined {
  if (password === PUBLISHED_DEMO_PASSWORD) return { zh: '是公开的演示密码', en: 'is the published demo password' };
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return { zh: '是常见密码', en: 'is a common password' };
  if (COMMON_WORDS.has(coreWord(password))) return { zh: '是稍加修饰的常见单词', en: 'is a common word with a little decoration' };
  if (isWalk(lower) || isWalk(lower.replace(/[^a-z0-9]/g, ''))) return RUN;
  const letters = lower.replace(/[^a-z]/g, '');
  if (letters.length >= 4 && isWalk(letters) && letters.length >= lower.length / 2) return RUN;
  if (/^(.)\1+$/.test(lower) || /^(.{1,5})\1{1,}$/.test(lower)) return { zh: '是重复的字符', en: 'repeats the same characters' };
  return undefined;
}

export const PASSWORD_POLICY = {
  minLength: 10,
  maxLength: 128,
  minClasses: 3,
  description:
    'At least 10 characters, with at least three of: lower-case letters, upper-case letters, digits, symbols; not containing the username; not a common password, a common word with a capital, symbol or year added, a run of keys (qwerty, 1qaz2wsx), or the demo password.',
  descriptionZh:
    '至少10个字符，至少包含小写字母、大写字母、数字、符号中的三类；不得包含用户名；不得为常见密码、加了大写字母、符号或年份的常见单词、键盘连续键（如 qwerty、1qaz2wsx）或演示密码。',
};

/** Returns the reasons a password breaks the policy; empty when it is acceptable. */
export function checkPasswordPolicy(password: string, username?: string, localWords: readonly string[] = []): Text[] {
  const reasons: Text[] = [];
  const { minLength: min, maxLength: max } = PASSWORD_POLICY;
  if (password.length < min) reasons.push({ zh: `至少 ${min} 个字符`, en: `must be at least ${min} characters` });
  if (password.length > max) reasons.push({ zh: `最多 ${max} 个字符`, en: `must be at most ${max} characters` });
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < PASSWORD_POLICY.minClasses)
    reasons.push({ zh: '须包含小写字母、大写字母、数字、符号中的至少三类', en: 'must mix at least three of lower-case, upper-case, digits and symbols' });
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase()))
    reasons.push({ zh: '不得包含用户名', en: 'must not contain the username' });
  const guess = guessable(password);
  if (guess) reasons.push(guess);
  else if (localWords.includes(coreWord(password))) reasons.push({ zh: '是稍加修饰的本地地名', en: 'is a local name with a little decoration' });
  return reasons;
}

/** The reasons as one sentence about the password, in both languages. */
export function passwordProblem(reasons: readonly Text[]): Text {
  return { zh: `密码${reasons.map((r) => r.zh).join('；')}`, en: `Password ${reasons.map((r) => r.en).join('; ')}` };
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
