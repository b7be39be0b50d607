import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiError, type Me, api, hasSession, login, logout, me, problemText } from './api';
import { useI18n } from './i18n';
import './login.css';

/** Shows the login form until the user is authenticated, then renders children with the user. */
/** Who works in the console and on the wall: every role but the public's (citizens, enterprises). */
export const isStaff = (u: Me) => u.roles.some((r) => r !== 'citizen' && r !== 'enterprise');

export function AuthGate({
  app,
  children,
  dark = false,
  allow,
}: {
  app: string;
  dark?: boolean;
  /** Who may use this app; others see a page that says so and where to go instead. */
  allow?: (u: Me) => boolean;
  children: (user: Me, signOut: () => void) => ReactNode;
}) {
  const [user, setUser] = useState<Me | null>(null);
  const [checking, setChecking] = useState(hasSession());
  const { t } = useI18n();

  useEffect(() => {
    if (!hasSession()) return;
    me()
      .then(setUser)
      .catch(() => setUser(null))
      .finally(() => setChecking(false));
  }, []);

  useEffect(() => {
    const onLogout = () => setUser(null);
    window.addEventListener('wudang:logout', onLogout);
    return () => window.removeEventListener('wudang:logout', onLogout);
  }, []);

  const signOut = useCallback(() => {
    void logout().then(() => setUser(null));
  }, []);

  if (checking) return <div className="wd-loading">{t('common.loading')}</div>;
  if (!user) return <LoginForm app={app} dark={dark} onLogin={setUser} />;
  // The server opens nothing else until a temporary password is changed.
  if (user.mustChangePassword) return <ChangePasswordForm app={app} dark={dark} onChanged={setUser} signOut={signOut} />;
  if (allow && !allow(user)) return <NoAccess app={app} dark={dark} user={user} signOut={signOut} />;
  return <>{children(user, signOut)}</>;
}

/** The page for someone signed in to an app their role does not open: what it is, and where to go. */
function NoAccess({ app, dark, user, signOut }: { app: string; dark: boolean; user: Me; signOut: () => void }) {
  const { t } = useI18n();
  return (
    <div className={`wd-login ${dark ? 'wd-login-dark' : ''}`}>
      <main className="wd-login-card" data-testid="no-access">
        <Brand title={t('noaccess.title')} app={app} />
        <p className="wd-login-note">
          <span translate="no">{user.displayName ?? user.name}</span>
          {t('noaccess.text')}
        </p>
        <a className="wd-login-link" href="/app" data-testid="go-app">
          {t('noaccess.app')}
        </a>
        <button type="button" onClick={signOut}>
          {t('logout')}
        </button>
        <LangSwitch className="wd-login-lang" />
      </main>
    </div>
  );
}

function ChangePasswordForm({ app, dark, onChanged, signOut }: { app: string; dark: boolean; onChanged: (u: Me) => void; signOut: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    if (next !== again) {
      setError(t('pw.mismatch'));
      return;
    }
    setBusy(true);
    try {
      await api('POST', '/api/auth/password', { currentPassword: current, newPassword: next });
      onChanged(await me());
    } catch (err) {
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={`wd-login ${dark ? 'wd-login-dark' : ''}`}>
      <form className="wd-login-card" onSubmit={submit} aria-label={t('pw.title')}>
        <Brand title={t('pw.title')} app={app} />
        <p className="wd-login-note">{t('pw.intro')}</p>
        <label>
          {t('pw.current')}
          <input name="currentPassword" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        </label>
        <label>
          {t('pw.new')}
          <input name="newPassword" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />
        </label>
        <label>
          {t('pw.repeat')}
          <input name="newPasswordAgain" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />
        </label>
        <p className="wd-login-note">{t('pw.policy')}</p>
        {error && (
          <div className="wd-login-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" disabled={busy}>
          {t('pw.submit')}
        </button>
        <button type="button" className="wd-login-lang" onClick={signOut}>
          {t('logout')}
        </button>
      </form>
    </div>
  );
}

function LoginForm({ app, dark, onLogin }: { app: string; dark: boolean; onLogin: (u: Me) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await login(username, password));
    } catch (err) {
      const code = err instanceof ApiError ? err.problem.code : '';
      setError(code === 'WD_ERR_AUTH_INVALID_CREDENTIALS' ? t('login.failed') : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={`wd-login ${dark ? 'wd-login-dark' : ''}`}>
      <form className="wd-login-card" onSubmit={submit} aria-label={t('login.title')}>
        <Brand title={t('app.name')} app={app} />
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <div className="wd-login-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
        <LangSwitch className="wd-login-lang" />
      </form>
    </div>
  );
}

/** The language switch and log-out buttons every app's header carries. */
export function SessionButtons({ signOut }: { signOut: () => void }) {
  const { t } = useI18n();
  return (
    <>
      <LangSwitch />
      <button type="button" onClick={signOut}>
        {t('logout')}
      </button>
    </>
  );
}

/** The head of the login, password and no-access cards: the platform's mark, the card's title, the app. */
function Brand({ title, app }: { title: string; app: string }) {
  return (
    <div className="wd-login-brand">
      <div className="wd-login-logo" aria-hidden="true">
        武
      </div>
      <div>
        <div className="wd-login-name">{title}</div>
        <div className="wd-login-app">{app}</div>
      </div>
    </div>
  );
}

/** The switch to the other language, named in that language (English / 中文). */
export function LangSwitch({ className }: { className?: string }) {
  const { t, lang, setLang } = useI18n();
  return (
    <button
      type="button"
      {...(className ? { className } : {})}
      onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
      data-lang-switch
      lang={lang === 'zh' ? 'en' : 'zh-CN'}
    >
      {t('lang.switch')}
    </button>
  );
}
