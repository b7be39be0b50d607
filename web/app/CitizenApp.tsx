/**
 * 城市超级APP at `/app`: residents' and enterprises' own pages behind their sign-in (home, city
 * code, wallet, my city, travel, me), and the pages that need no account or a staff one: the
 * licence verifier (`/verify`), a shared licence (`/shared#…`), the staff scanner (`/scan`), the
 * patrol and 随手拍 pages (`/report`), and the self-service kiosk (`/kiosk`).
 */
import { ConfigProvider } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { Suspense, lazy, useCallback, useEffect, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { ApiError, hasSession, logout, me } from '../shared/api';
import { AuthGate, isStaff } from '../shared/auth';
import { useI18n } from '../shared/i18n';
import { Home } from './Home';
import { type Account, myAccount, peopleSession } from './people';
import { AccountContext, AppFrame, localElder, useElder } from './shell';
import { SignIn } from './SignIn';

// Pages beyond the first view load when opened: a phone on a slow network fetches only what it shows.
const CityCodePage = lazy(() => import('./CityCode').then((m) => ({ default: m.CityCodePage })));
const Kiosk = lazy(() => import('./Kiosk').then((m) => ({ default: m.Kiosk })));
const MePage = lazy(() => import('./Me').then((m) => ({ default: m.MePage })));
const MyCityPage = lazy(() => import('./MyCity').then((m) => ({ default: m.MyCityPage })));
const Patrol = lazy(() => import('./Patrol').then((m) => ({ default: m.Patrol })));
const Scanner = lazy(() => import('./Scanner').then((m) => ({ default: m.Scanner })));
const ServicesPage = lazy(() => import('./Services').then((m) => ({ default: m.ServicesPage })));
const SharedPage = lazy(() => import('./Shared').then((m) => ({ default: m.SharedPage })));
const TravelPage = lazy(() => import('./Travel').then((m) => ({ default: m.TravelPage })));
const Verifier = lazy(() => import('./Verifier').then((m) => ({ default: m.Verifier })));
const WalletPage = lazy(() => import('./Wallet').then((m) => ({ default: m.WalletPage })));

/** The signed-in person's app; a staff session is sent to the console (or the patrol pages). */
function PeopleApp() {
  const { t } = useI18n();
  const [account, setAccount] = useState<Account | null>(null);
  const [state, setState] = useState<'checking' | 'out' | 'in' | 'staff'>(hasSession() ? 'checking' : 'out');
  const [as, setAs] = useState<string | undefined>(undefined);
  const load = useCallback(async () => {
    try {
      // A session this app opened is a person's: their account at once. Any other (the console's)
      // is asked who it is first, so a staff session never asks for a person's account.
      if (!peopleSession() && isStaff(await me())) {
        setState('staff');
        return;
      }
      setAccount(await myAccount());
      setState('in');
    } catch (e) {
      setState(e instanceof ApiError && e.problem.status === 403 ? 'staff' : 'out');
    }
  }, []);
  useEffect(() => {
    if (hasSession()) void load();
  }, [load]);
  useEffect(() => {
    const out = () => {
      setAccount(null);
      setState('out');
    };
    window.addEventListener('wudang:logout', out);
    return () => window.removeEventListener('wudang:logout', out);
  }, []);
  useElder(account ? account.elderMode : localElder());
  if (state === 'checking') return <div className="wd-loading">{t('common.loading')}</div>;
  if (state === 'staff')
    return (
      <div className="sa-signin" data-testid="staff-in-app">
        <section className="sa-card">
          <h2>{t('app.app')}</h2>
          <p>{t('sa.staffHere')}</p>
          <p>
            <a href="/console">{t('app.console')}</a> · <a href="/app/report">{t('um.app.patrol')}</a> · <a href="/app/scan">{t('sa.scanTitle')}</a>
          </p>
          <button type="button" className="verify-btn secondary" onClick={() => void logout().then(() => setState('out'))}>
            {t('logout')}
          </button>
        </section>
      </div>
    );
  if (state === 'out' || !account)
    return (
      <SignIn
        onSignedIn={(a) => {
          setAccount(a);
          setState('in');
        }}
      />
    );
  const signOut = () => void logout().then(() => setState('out'));
  return (
    <AccountContext.Provider value={{ account, reload: () => void load(), signOut, as, setAs }}>
      <AppFrame>
        <Suspense fallback={<div className="wd-loading">{t('common.loading')}</div>}>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/code" element={<CityCodePage />} />
            <Route path="/wallet" element={<WalletPage />} />
            <Route path="/city" element={<MyCityPage />} />
            <Route path="/travel" element={<TravelPage />} />
            <Route path="/services/*" element={<ServicesPage />} />
            <Route path="/me" element={<MePage />} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </Suspense>
      </AppFrame>
    </AccountContext.Provider>
  );
}

/** The installable app's offline shell: the pages and assets once seen open without a network. */
function useServiceWorker(): void {
  useEffect(() => {
    if ('serviceWorker' in navigator && window.isSecureContext) navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => undefined);
  }, []);
}

export function CitizenApp() {
  const { t, lang } = useI18n();
  useServiceWorker();
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN}>
      <BrowserRouter basename="/app">
        <Suspense fallback={<div className="wd-loading">{t('common.loading')}</div>}>
          <Routes>
            {/* Verifying a licence needs no account: a counter or a bank opens it directly. */}
            <Route path="/verify/*" element={<Verifier />} />
            <Route path="/shared" element={<SharedPage />} />
            <Route path="/kiosk/*" element={<Kiosk />} />
            <Route
              path="/scan"
              element={
                <AuthGate app={t('sa.scanTitle')} allow={isStaff}>
                  {(user) => <Scanner user={user} />}
                </AuthGate>
              }
            />
            {/* Reporting a city problem: an inspector's patrol pages, a resident's 随手拍. */}
            <Route path="/report/*" element={<AuthGate app={t('app.app')}>{(user) => <Patrol user={user} />}</AuthGate>} />
            <Route path="/*" element={<PeopleApp />} />
          </Routes>
        </Suspense>
      </BrowserRouter>
    </ConfigProvider>
  );
}
