import type { Me } from '../shared/api';
import { AuthGate, SessionButtons } from '../shared/auth';
import { useDistricts } from '../shared/CityMap';
import { useApi } from '../shared/hooks';
import { type StringKey, useI18n } from '../shared/i18n';
import { Patrol } from './Patrol';
import { Verifier } from './Verifier';

const SERVICES: { key: StringKey; icon: string; href?: string }[] = [
  { key: 'app.svc.verify', icon: '验', href: '/app/verify' },
  { key: 'app.svc.gov', icon: '办' },
  { key: 'app.svc.report', icon: '拍', href: '/app/report' },
  { key: 'app.svc.progress', icon: '查' },
  { key: 'app.svc.health', icon: '医' },
  { key: 'app.svc.travel', icon: '游' },
  { key: 'app.svc.code', icon: '码' },
];

function Home({ user, signOut }: { user: Me; signOut: () => void }) {
  const { t, n } = useI18n();
  const city = useApi<{ name: { zh: string; en: string } }>('/api/city');
  const { districts } = useDistricts(false);
  return (
    <div className="citizen">
      <header className="citizen-header">
        <div>
          <div className="citizen-city">{city.data ? n(city.data.name) : ''}</div>
          <div className="citizen-hello" data-testid="citizen-hello">
            {t('app.hello')}，<span translate="no">{user.displayName ?? user.name}</span>
          </div>
        </div>
        <div className="citizen-tools">
          <SessionButtons signOut={signOut} />
        </div>
      </header>
      <section className="citizen-card">
        <h2>{t('app.services')}</h2>
        <div className="citizen-grid">
          {SERVICES.map((s) =>
            s.href ? (
              <a key={s.key} className="citizen-svc active" href={s.href}>
                <span className="citizen-icon" aria-hidden="true">
                  {s.icon}
                </span>
                <span>{t(s.key)}</span>
              </a>
            ) : (
              <button type="button" key={s.key} className="citizen-svc" disabled title={t('common.comingSoon')}>
                <span className="citizen-icon" aria-hidden="true">
                  {s.icon}
                </span>
                <span>{t(s.key)}</span>
                <small>{t('common.comingSoon')}</small>
              </button>
            ),
          )}
        </div>
      </section>
      <section className="citizen-card">
        <h2>{t('app.city')}</h2>
        <ul className="citizen-districts">
          {(districts ?? []).map((d) => (
            <li key={d.adcode}>{n(d.name)}</li>
          ))}
        </ul>
      </section>
    </div>
  );
}

export function CitizenApp() {
  const { t } = useI18n();
  // Verifying a licence needs no account: a counter or a bank opens it directly.
  if (window.location.pathname.startsWith('/app/verify')) return <Verifier />;
  // Reporting a city problem: an inspector's patrol pages, a resident's 随手拍.
  if (window.location.pathname.startsWith('/app/report')) return <AuthGate app={t('app.app')}>{(user) => <Patrol user={user} />}</AuthGate>;
  return <AuthGate app={t('app.app')}>{(user, signOut) => <Home user={user} signOut={signOut} />}</AuthGate>;
}
