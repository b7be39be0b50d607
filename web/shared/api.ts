/** The API client shared by the three web apps: one login (tokens in localStorage), refresh on expiry. */

export interface Me {
  kind: string;
  id: string;
  name: string;
  displayName?: string;
  roles: string[];
  permissions: string[];
  department: string | null;
  districts: string[];
  /** What the caller may act on; `['*']` for all. */
  scope: { departments: string[]; districts: string[] };
  /** What the caller may read: wider than the scope for a district government (its district, read-only). */
  view?: { departments: string[]; districts: string[]; cityLevel: boolean };
  mustChangePassword?: boolean;
}

/**
 * Whether a record lies in the caller's scope, so the page offers to change it; the server
 * decides the same way (platform/auth/scope.ts) and answers 403 read-only otherwise.
 */
export function mayChange(me: Me, item: { department: string | null; district: string | null }): boolean {
  const { departments, districts } = me.scope;
  const dept = departments.includes('*') || (item.department !== null && departments.includes(item.department));
  return dept && (districts.includes('*') || item.district === null || districts.includes(item.district));
}

interface Session {
  token: string;
  refreshToken: string;
  expiresAt: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

const KEY = 'wudang.session';

function load(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function save(s: Session | null): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else {
    localStorage.removeItem(KEY);
    localStorage.removeItem('wudang.people');
  }
}

/** The current access token (for WebSocket URLs, which cannot carry headers). */
export function accessToken(): string | null {
  return load()?.token ?? null;
}

export function hasSession(): boolean {
  return load() !== null;
}

let refreshing: Promise<boolean> | null = null;

async function refresh(): Promise<boolean> {
  const s = load();
  if (!s) return false;
  refreshing ??= (async () => {
    const r = await fetch('/api/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: s.refreshToken }),
    });
    if (!r.ok) {
      save(null);
      return false;
    }
    const body = (await r.json()) as Session;
    save({ token: body.token, refreshToken: body.refreshToken, expiresAt: body.expiresAt });
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** The language the person reads the UI in (see i18n.tsx), which the API answers in too. */
function acceptLanguage(): string {
  return localStorage.getItem('wudang.lang') === 'en' ? 'en' : 'zh-CN';
}

/** What to show a person for a failed call: the problem's title and detail, in the UI's language. */
export function problemText(err: unknown): string {
  if (err instanceof ApiError) {
    const sep = acceptLanguage() === 'en' ? ': ' : '：';
    return err.problem.detail && err.problem.detail !== err.problem.title ? `${err.problem.title}${sep}${err.problem.detail}` : err.problem.title;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Calls the API as the signed-in user; a body is sent as JSON unless another content type is named (then as text). */
export async function api<T>(method: string, url: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  const attempt = async () => {
    const s = load();
    return fetch(url, {
      method,
      headers: {
        'accept-language': acceptLanguage(),
        ...(s ? { authorization: `Bearer ${s.token}` } : {}),
        ...(body !== undefined ? { 'content-type': contentType } : {}),
      },
      ...(body !== undefined ? { body: contentType === 'application/json' ? JSON.stringify(body) : String(body) } : {}),
    });
  };
  let r = await attempt();
  if (r.status === 401 && load() && (await refresh())) r = await attempt();
  if (r.status === 401) {
    save(null);
    window.dispatchEvent(new Event('wudang:logout'));
  }
  if (r.status === 204) return undefined as T;
  const text = await r.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!r.ok) throw new ApiError(data as Problem);
  return data as T;
}

/** Keeps the tokens of a sign-in made another way (the super app's registration, SMS code or city code). */
export function adoptSession(s: { token: string; refreshToken: string; expiresAt: number | string }): void {
  save({ token: s.token, refreshToken: s.refreshToken, expiresAt: String(s.expiresAt) });
}

/** Forgets the session on this device without calling the server (a kiosk that wipes itself). */
export function forgetSession(): void {
  save(null);
}

export async function login(username: string, password: string): Promise<Me> {
  // A staff sign-in (console, wall, patrol pages) replaces any person's session on this device.
  localStorage.removeItem('wudang.people');
  const r = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': acceptLanguage() },
    body: JSON.stringify({ username, password }),
  });
  const data = await r.json();
  if (!r.ok) throw new ApiError(data as Problem);
  save({ token: data.token, refreshToken: data.refreshToken, expiresAt: data.expiresAt });
  return data.user as Me;
}

export async function logout(): Promise<void> {
  try {
    await api('POST', '/api/auth/logout');
  } catch {
    /* the session may already be gone */
  }
  save(null);
}

export const me = () => api<Me>('GET', '/api/auth/me');

/** A file's bytes as the signed-in user (an uploaded photo to show). */
export async function fetchBlob(url: string): Promise<Blob> {
  const s = load();
  const r = await fetch(url, { headers: { 'accept-language': acceptLanguage(), ...(s ? { authorization: `Bearer ${s.token}` } : {}) } });
  if (!r.ok) throw new Error(`${r.status}`);
  return r.blob();
}

/** Fetches a file as the signed-in user (a PDF or HTML export) and hands it to the browser as a download. */
export async function download(url: string, filename: string): Promise<void> {
  const s = load();
  const r = await fetch(url, { headers: { 'accept-language': acceptLanguage(), ...(s ? { authorization: `Bearer ${s.token}` } : {}) } });
  if (!r.ok) {
    const text = await r.text();
    throw new ApiError(text ? (JSON.parse(text) as Problem) : ({ title: r.statusText, status: r.status, type: 'about:blank', code: '' } as Problem));
  }
  const href = URL.createObjectURL(await r.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
