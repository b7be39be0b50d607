/**
 * The super app's frame: the signed-in account (a context every page reads), the elder-friendly
 * mode (适老化: larger text and targets, fewer things per page, per the national guidance), the
 * tab bar on a phone that becomes a side menu on a PC, and the page header.
 */
import { TabBar } from 'antd-mobile';
import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { LangSwitch } from '../shared/auth';
import { type StringKey, useI18n } from '../shared/i18n';
import type { Account } from './people';

export interface AccountCtx {
  account: Account;
  reload(): void;
  signOut(): void;
  /** The enterprise the person acts for now (an agent), or undefined for their own account. */
  as?: string;
  setAs(code: string | undefined): void;
}

export const AccountContext = createContext<AccountCtx | null>(null);

export function useAccount(): AccountCtx {
  const v = useContext(AccountContext);
  if (!v) throw new Error('useAccount outside the signed-in app');
  return v;
}

const ELDER = 'wudang.elder';

/** Elder mode before sign-in is the device's choice; after, the account's. */
export function localElder(): boolean {
  return localStorage.getItem(ELDER) === '1';
}

export function setLocalElder(on: boolean): void {
  if (on) localStorage.setItem(ELDER, '1');
  else localStorage.removeItem(ELDER);
  document.documentElement.classList.toggle('elder', on);
}

/** Applies elder mode to the whole document while mounted. */
export function useElder(on: boolean): void {
  useEffect(() => {
    document.documentElement.classList.toggle('elder', on);
  }, [on]);
}

const TABS: { key: string; label: StringKey; icon: string }[] = [
  { key: '/', label: 'sa.tab.home', icon: '⌂' },
  { key: '/code', label: 'sa.tab.code', icon: '▣' },
  { key: '/wallet', label: 'sa.tab.wallet', icon: '▤' },
  { key: '/city', label: 'sa.tab.city', icon: '◎' },
  { key: '/me', label: 'sa.tab.me', icon: '☺' },
];

/** The tabs (a bottom bar on a phone, a side menu on a PC) around the page. */
export function AppFrame({ children }: { children: ReactNode }) {
  const { t, n } = useI18n();
  const nav = useNavigate();
  const loc = useLocation();
  const { account } = useAccount();
  const current = TABS.find((x) => x.key !== '/' && loc.pathname.startsWith(x.key))?.key ?? '/';
  return (
    <div className="sa-frame">
      <aside className="sa-side" aria-label={t('sa.menu')}>
        <div className="sa-side-brand">{t('app.app')}</div>
        <div className="sa-side-who" translate="no">
          {account.name}
        </div>
        <nav>
          {TABS.map((x) => (
            <button key={x.key} type="button" className={current === x.key ? 'sa-side-item active' : 'sa-side-item'} onClick={() => nav(x.key)}>
              <span aria-hidden="true">{x.icon}</span> {t(x.label)}
            </button>
          ))}
        </nav>
        <div className="sa-side-foot">
          <LangSwitch />
          {account.synthetic && <small className="sa-synthetic">{n({ zh: '演示账号（合成数据）', en: 'Demo account (synthetic data)' })}</small>}
        </div>
      </aside>
      <main className="sa-main">{children}</main>
      <nav className="sa-tabbar" aria-label={t('sa.menu')}>
        <TabBar activeKey={current} onChange={(k) => nav(k)} safeArea>
          {TABS.map((x) => (
            <TabBar.Item key={x.key} icon={<span aria-hidden="true">{x.icon}</span>} title={t(x.label)} />
          ))}
        </TabBar>
      </nav>
    </div>
  );
}

/** A page: its title, a way back, and the content. */
export function Page({ title, back, children, testId }: { title: ReactNode; back?: string; children: ReactNode; testId?: string }) {
  const { t } = useI18n();
  const nav = useNavigate();
  return (
    <div className="sa-page" data-testid={testId}>
      <header className="sa-head">
        {back !== undefined && (
          <button type="button" className="sa-back" onClick={() => nav(back)} aria-label={t('um.app.back')}>
            ‹ {t('um.app.back')}
          </button>
        )}
        <h1>{title}</h1>
      </header>
      <div className="sa-body">{children}</div>
    </div>
  );
}

/** Marks what shows synthetic demo data. */
export function Synthetic({ on }: { on: boolean }) {
  const { t } = useI18n();
  return on ? <span className="sa-synthetic-tag">{t('sa.synthetic')}</span> : null;
}
