/** The super app's calls and shapes: sign-in and registration for residents and enterprises, and what the pages read. */
import type { AccountView } from '../../modules/superapp/index';
import { ApiError, type Problem, adoptSession, api } from '../shared/api';

type Names = { zh: string; en: string };

/** The signed-in person's account, as `GET /api/people/me` answers it. */
export type Account = AccountView;

export interface WalletLicence {
  number: string;
  type: string;
  typeName: string;
  issuer: string;
  holder: { kind: string; name: string };
  fields: Record<string, string | number>;
  labels: Record<string, Names>;
  issuedOn: string;
  validUntil: string | null;
  verdict: 'valid' | 'expired' | 'not_yet_valid' | 'suspended' | 'revoked';
  document: string;
}

export interface Share {
  id: string;
  licences: string[];
  grantee: { kind: 'department' | 'business'; code: string | null; name: string };
  purpose: string;
  validUntil: number;
  createdAt: number;
  status: 'active' | 'revoked' | 'expired';
  views: { at: number; by: string | null; kind: string }[];
  token?: string;
  link?: string;
}

export interface ScenicArea {
  code: string;
  name: Names;
  district: string;
  grade: string | null;
  capacity: { instant: number; daily: number };
  load: { inside: number | null; at: number | null; share: number | null; level: 'green' | 'amber' | 'red' | 'unknown' };
  today: { day: string; booked: number; left: number };
  weather: {
    station: string;
    km: number;
    temperature: number | null;
    precipitation: number | null;
    windSpeed: number | null;
    at: number;
    simulated: boolean;
  } | null;
  synthetic: boolean;
}

export interface Slot {
  start: string;
  end: string;
  capacity: number;
  booked: number;
  left: number;
  open: boolean;
}

export interface Reservation {
  id: string;
  area: { code: string; name: Names };
  day: string;
  start: string;
  party: number;
  status: 'booked' | 'cancelled' | 'used';
  createdAt: number;
}

export interface Warning {
  id: string;
  level: number;
  title: Names;
  advice: Names;
  district: string | null;
  raisedAt: number;
  simulated: boolean;
}

export interface Notice {
  id: string;
  kind: string;
  ref: string;
  title: Names;
  body: Names | null;
  at: number;
  read: boolean;
}

/** An entry of "my city"'s timeline, as the module answers it. */
export type { TimelineItem } from '../../modules/superapp/index';

export interface DataUse {
  at: number;
  consumer: string | null;
  consumerName: Names;
  providerName: Names;
  purpose: string | null;
  operation: string;
  itemsClear: string[];
  itemsMasked: string[];
  clearNames: Names[];
  maskedNames: Names[];
}

interface SessionAnswer {
  token: string;
  refreshToken: string;
  expiresAt: number;
  account: Account;
}

async function publicCall<T>(url: string, body: unknown): Promise<T> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': localStorage.getItem('wudang.lang') === 'en' ? 'en' : 'zh-CN' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!r.ok) throw new ApiError(data as Problem);
  return data as T;
}

const PEOPLE = 'wudang.people';

/** Whether the session kept on this device was opened by the super app (a person's). */
export function peopleSession(): boolean {
  return localStorage.getItem(PEOPLE) === '1';
}

async function signedIn(p: Promise<SessionAnswer>): Promise<Account> {
  const s = await p;
  adoptSession(s);
  localStorage.setItem(PEOPLE, '1');
  return s.account;
}

export const sendCode = (phone: string, purpose: 'register' | 'login') =>
  publicCall<{ expiresAt: number; resendAfter: number }>('/api/people/codes', { phone, purpose });
export const signIn = (account: string, password: string) => signedIn(publicCall('/api/people/login', { account, password }));
export const signInWithCode = (phone: string, code: string) => signedIn(publicCall('/api/people/login/code', { phone, code }));
export const signInWithCityCode = (code: string) => signedIn(publicCall('/api/people/kiosk/citycode', { code }));
export const registerResident = (b: { idNumber: string; name: string; phone: string; code: string; password: string }) =>
  signedIn(publicCall('/api/people/register', b));
export const registerEnterprise = (b: {
  creditCode: string;
  name: string;
  legalRepresentative: { idNumber: string; name: string };
  phone: string;
  code: string;
  password: string;
}) => signedIn(publicCall('/api/people/register/enterprise', b));
export const myAccount = () => api<Account>('GET', '/api/people/me');
export const openShare = (token: string) => publicCall<SharedView>('/api/open/shares/open', { token });

export interface SharedView {
  holder: { kind: string; name: string; subject: string; synthetic: boolean };
  grantee: { kind: string; name: string };
  purpose: string;
  validUntil: number;
  licences: {
    number: string;
    typeName: string;
    issuer: string;
    fields: Record<string, string | number>;
    labels: Record<string, Names>;
    validUntil: string | null;
    verdict: string;
    document: string;
  }[];
}

/** A date and time in the city's way of writing them. */
export function when(ms: number, lang: 'zh' | 'en'): string {
  return new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' });
}

/** Today in Shiyan (YYYY-MM-DD), and n days on. */
export function cityDay(offset = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
}
