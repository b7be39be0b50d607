/**
 * 自助终端 (`/app/kiosk`): the super app on a self-service terminal in a service hall. Large touch
 * targets; entry by the city code shown on one's phone (scanned by the terminal's camera, or typed
 * by its scanner) or by ID-card number with a code sent to the registered phone. After a while
 * without a touch it warns, then wipes: the session is ended on the server, forgotten here, and
 * the screen reloaded blank, so the next person finds nothing of the last. `?idle=<seconds>`
 * sets the idle time (a terminal's own setting; 90 s by default).
 */
import { Button, Input } from 'antd-mobile';
import { useCallback, useEffect, useRef, useState } from 'react';
import { adoptSession, api, forgetSession, problemText } from '../shared/api';
import { LangSwitch } from '../shared/auth';
import { type StringKey, useI18n } from '../shared/i18n';
import { QrReader } from '../shared/QrReader';
import { MyCityPage } from './MyCity';
import { type Account, signInWithCityCode } from './people';
import { AccountContext } from './shell';
import { TravelPage } from './Travel';
import { WalletPage } from './Wallet';

type Panel = 'wallet' | 'city' | 'travel';
const PANELS: { key: Panel; label: StringKey; icon: string }[] = [
  { key: 'wallet', label: 'sa.tab.wallet', icon: '证' },
  { key: 'city', label: 'app.city', icon: '◎' },
  { key: 'travel', label: 'sa.svc.travel', icon: '游' },
];

const WARN_S = 10;

function idleSeconds(): number {
  const v = Number(new URLSearchParams(window.location.search).get('idle'));
  return Number.isFinite(v) && v >= 5 && v <= 3600 ? v : 90;
}

/** Ends the session everywhere and leaves a blank screen. */
async function wipe(): Promise<void> {
  try {
    await api('POST', '/api/auth/logout');
  } catch {
    /* already gone */
  }
  forgetSession();
  sessionStorage.clear();
  window.location.replace(`/app/kiosk${window.location.search}`);
}

function Entry({ onIn }: { onIn: (a: Account) => void }) {
  const { t } = useI18n();
  const [how, setHow] = useState<'code' | 'id' | null>(null);
  const [idNumber, setIdNumber] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const post = async <T,>(url: string, body: unknown): Promise<T> => {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': localStorage.getItem('wudang.lang') === 'en' ? 'en' : 'zh-CN' },
      body: JSON.stringify(body),
    });
    const data = await r.json();
    if (!r.ok) throw new Error(data.detail ?? data.title);
    return data as T;
  };
  if (!how)
    return (
      <div className="kiosk-choices">
        <button type="button" className="kiosk-tile" onClick={() => setHow('code')} data-testid="kiosk-by-code">
          <span aria-hidden="true">▣</span>
          {t('sa.kioskByCode')}
        </button>
        <button type="button" className="kiosk-tile" onClick={() => setHow('id')} data-testid="kiosk-by-id">
          <span aria-hidden="true">🪪</span>
          {t('sa.kioskById')}
        </button>
      </div>
    );
  return (
    <div className="kiosk-panel">
      {how === 'code' ? (
        <QrReader
          big
          onRead={async (text) => {
            setErr(null);
            try {
              onIn(await signInWithCityCode(text));
            } catch (e) {
              setErr(problemText(e));
            }
          }}
        />
      ) : (
        <div className="kiosk-form">
          <Input placeholder={t('sa.idNumber')} value={idNumber} onChange={setIdNumber} maxLength={18} aria-label={t('sa.idNumber')} data-testid="kiosk-id" />
          <Button
            size="large"
            color="primary"
            fill="outline"
            data-testid="kiosk-send"
            onClick={async () => {
              setErr(null);
              try {
                await post('/api/people/kiosk/id-code', { idNumber });
                setSent(true);
              } catch (e) {
                setErr(problemText(e));
              }
            }}
          >
            {t('sa.sendCode')}
          </Button>
          {sent && <p className="sa-note">{t('sa.kioskCodeSent')}</p>}
          <Input
            placeholder={t('sa.code')}
            value={code}
            onChange={setCode}
            maxLength={6}
            inputMode="numeric"
            aria-label={t('sa.code')}
            data-testid="kiosk-code"
          />
          <Button
            size="large"
            color="primary"
            data-testid="kiosk-login"
            onClick={async () => {
              setErr(null);
              try {
                const s = await post<{ token: string; refreshToken: string; expiresAt: number; account: Account }>('/api/people/kiosk/id-login', {
                  idNumber,
                  code,
                });
                adoptSession(s);
                onIn(s.account);
              } catch (e) {
                setErr(problemText(e));
              }
            }}
          >
            {t('login.submit')}
          </Button>
        </div>
      )}
      {err && (
        <p className="sa-error kiosk-error" role="alert" data-testid="kiosk-error">
          {err}
        </p>
      )}
      <Button size="large" fill="none" onClick={() => setHow(null)}>
        {t('um.app.back')}
      </Button>
    </div>
  );
}

export function Kiosk() {
  const { t } = useI18n();
  const [account, setAccount] = useState<Account | null>(null);
  const [left, setLeft] = useState<number | null>(null);
  const [which, setWhich] = useState<Panel | null>(null);
  const last = useRef(Date.now());
  const idle = idleSeconds();
  // A terminal never keeps a session from before it was last wiped.
  useEffect(() => {
    forgetSession();
  }, []);
  const touch = useCallback(() => {
    last.current = Date.now();
    setLeft(null);
  }, []);
  useEffect(() => {
    if (!account) return;
    const events = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, touch, { passive: true });
    const h = setInterval(() => {
      const quiet = (Date.now() - last.current) / 1000;
      if (quiet >= idle + WARN_S) void wipe();
      else if (quiet >= idle) setLeft(Math.ceil(idle + WARN_S - quiet));
    }, 500);
    return () => {
      for (const e of events) window.removeEventListener(e, touch);
      clearInterval(h);
    };
  }, [account, idle, touch]);
  return (
    <div className="kiosk" data-testid="kiosk">
      <header className="kiosk-head">
        <h1>
          {t('app.app')} · {t('sa.kiosk')}
        </h1>
        <LangSwitch />
      </header>
      {!account ? (
        <Entry
          onIn={(a) => {
            last.current = Date.now();
            setAccount(a);
          }}
        />
      ) : (
        <AccountContext.Provider value={{ account, reload: () => undefined, signOut: () => void wipe(), setAs: () => undefined }}>
          <div className="kiosk-home elder-like" data-testid="kiosk-home">
            <p className="kiosk-hello">
              {t('app.hello')}，<span translate="no">{account.name}</span>
              {account.synthetic ? ` ${t('sa.synthetic')}` : ''}
            </p>
            <div className="kiosk-choices">
              {PANELS.map((x) => (
                <button
                  key={x.key}
                  type="button"
                  className={which === x.key ? 'kiosk-tile active' : 'kiosk-tile'}
                  onClick={() => setWhich(x.key)}
                  data-testid={`kiosk-${x.key}`}
                >
                  <span aria-hidden="true">{x.icon}</span>
                  {t(x.label)}
                </button>
              ))}
            </div>
            {which === 'wallet' && <WalletPage />}
            {which === 'city' && <MyCityPage />}
            {which === 'travel' && <TravelPage />}
            <Button size="large" color="danger" block onClick={() => void wipe()} data-testid="kiosk-exit">
              {t('sa.kioskExit')}
            </Button>
          </div>
        </AccountContext.Provider>
      )}
      {left !== null && (
        <div className="kiosk-idle" role="alertdialog" aria-live="assertive" data-testid="kiosk-idle">
          <p>
            {t('sa.kioskIdle')} {left}s
          </p>
          <Button size="large" color="primary" onClick={touch}>
            {t('sa.kioskStay')}
          </Button>
        </div>
      )}
    </div>
  );
}
