/** The super app's home: the city's warnings for the person's district, the city code, and the services. */
import { NoticeBar } from 'antd-mobile';
import { Link } from 'react-router-dom';
import { api } from '../shared/api';
import { useApi } from '../shared/hooks';
import { type StringKey, useI18n } from '../shared/i18n';
import type { Warning } from './people';
import { Synthetic, useAccount } from './shell';

const SERVICES: { key: StringKey; icon: string; to: string; external?: boolean; enterpriseOnly?: boolean }[] = [
  { key: 'app.svc.gov', icon: '办', to: '/services' },
  { key: 'app.svc.code', icon: '码', to: '/code' },
  { key: 'sa.tab.wallet', icon: '证', to: '/wallet' },
  { key: 'app.svc.report', icon: '拍', to: '/app/report', external: true },
  { key: 'sa.svc.travel', icon: '游', to: '/travel' },
  { key: 'sa.svc.dataUse', icon: '数', to: '/city?tab=data' },
  { key: 'sa.svc.warnings', icon: '警', to: '/city?tab=warnings' },
  { key: 'app.svc.verify', icon: '验', to: '/app/verify', external: true },
  { key: 'app.svc.health', icon: '医', to: '/services/book' },
  { key: 'sa.svc.agents', icon: '授', to: '/me#agents', enterpriseOnly: true },
];

const LEVEL_NAMES: Record<number, StringKey> = { 1: 'sa.level1', 2: 'sa.level2', 3: 'sa.level3', 4: 'sa.level4' };

export function Home() {
  const { t, n } = useI18n();
  const { account, reload } = useAccount();
  const warnings = useApi<Warning[]>('/api/people/warnings');
  const elder = account.elderMode;
  const services = SERVICES.filter((s) => !s.enterpriseOnly || account.kind === 'enterprise').slice(0, elder ? 6 : SERVICES.length);
  return (
    <div className="sa-page" data-testid="home">
      <header className="sa-hero">
        <div>
          <div className="sa-hero-city">{t('app.app')}</div>
          <div className="sa-hero-hello" data-testid="citizen-hello">
            {t('app.hello')}，<span translate="no">{account.name}</span> <Synthetic on={account.synthetic} />
          </div>
        </div>
        <button
          type="button"
          className="sa-chip sa-chip-light"
          aria-pressed={elder}
          data-testid="elder-home"
          onClick={async () => {
            await api('PATCH', '/api/people/me', { elderMode: !elder });
            reload();
          }}
        >
          {t(elder ? 'sa.standard' : 'sa.elder')}
        </button>
      </header>
      {(warnings.data ?? []).map((w) => (
        <NoticeBar
          key={w.id}
          color="alert"
          wrap
          data-testid="warning-banner"
          content={
            <span>
              【{t(LEVEL_NAMES[w.level] ?? 'sa.level4')}】{n(w.title)}：{n(w.advice)}
              {w.simulated ? ` ${t('sa.simulated')}` : ''}
            </span>
          }
        />
      ))}
      <Link to="/code" className="sa-code-entry" data-testid="open-code">
        <span className="sa-code-icon" aria-hidden="true">
          ▣
        </span>
        <span>
          <strong>{t('app.svc.code')}</strong>
          <small>{t('sa.codeHint')}</small>
        </span>
      </Link>
      <section className="sa-card">
        <h2>{t('app.services')}</h2>
        <div className="sa-grid">
          {services.map((s) =>
            s.external ? (
              <a key={s.key} className="sa-svc" href={s.to}>
                <span className="sa-svc-icon" aria-hidden="true">
                  {s.icon}
                </span>
                {t(s.key)}
              </a>
            ) : (
              <Link key={s.key} className="sa-svc" to={s.to} data-testid={`svc-${s.to.replace(/[^a-z]/g, '')}`}>
                <span className="sa-svc-icon" aria-hidden="true">
                  {s.icon}
                </span>
                {t(s.key)}
              </Link>
            ),
          )}
        </div>
        {!elder && <p className="sa-fine">{t('sa.govSoon')}</p>}
      </section>
    </div>
  );
}
