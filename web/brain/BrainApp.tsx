import { useEffect, useState } from 'react';
import type { Me } from '../shared/api';
import { AuthGate } from '../shared/auth';
import { CityMap, useDistricts } from '../shared/CityMap';
import { useApi } from '../shared/hooks';
import { useI18n } from '../shared/i18n';

interface City {
  name: { zh: string; en: string };
  departments: number;
  population: number;
}

function Clock() {
  const [now, setNow] = useState(new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(id);
  }, []);
  return <span className="brain-clock">{now.toLocaleString('zh-CN', { hour12: false })}</span>;
}

function Screen({ user, signOut }: { user: Me; signOut: () => void }) {
  const { t, n, lang, setLang } = useI18n();
  const city = useApi<City>('/api/city');
  const { districts } = useDistricts(true);
  const [selected, setSelected] = useState<string | null>(null);
  const counties = (districts ?? []).filter((d) => d.kind !== 'special_zone');
  return (
    <div className="brain">
      <header className="brain-header">
        <h1>
          {city.data ? n(city.data.name) : ''} · {t('app.brain')}
        </h1>
        <div className="brain-sub">{t('brain.subtitle')}</div>
        <div className="brain-tools">
          <Clock />
          <span>
            {t('brain.duty')}: {user.displayName ?? user.name}
          </span>
          <button type="button" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
            {t('lang.switch')}
          </button>
          <button type="button" onClick={signOut}>
            {t('logout')}
          </button>
        </div>
      </header>
      <main className="brain-main">
        <section className="brain-panel brain-left" aria-label={t('brain.districts')}>
          <h2>{t('brain.districts')}</h2>
          <ul data-testid="brain-districts">
            {counties.map((d) => (
              <li key={d.adcode}>
                <button type="button" className={selected === d.adcode ? 'active' : ''} onClick={() => setSelected(selected === d.adcode ? null : d.adcode)}>
                  <span>{n(d.name)}</span>
                  <span className="code">{d.adcode}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        <section className="brain-map" aria-label="map">
          {districts && (
            <CityMap districts={districts} theme="dark" selected={selected} onSelect={(a) => setSelected(selected === a ? null : a)} height={620} />
          )}
        </section>
        <section className="brain-panel brain-right">
          <h2>{t('brain.departments')}</h2>
          <div className="brain-figure">{city.data?.departments ?? '—'}</div>
          <h2>{t('city.population')}</h2>
          <div className="brain-figure">{city.data ? (city.data.population / 10000).toFixed(0) : '—'} 万</div>
        </section>
      </main>
    </div>
  );
}

export function BrainApp() {
  const { t } = useI18n();
  return (
    <AuthGate app={t('app.brain')} dark>
      {(user, signOut) => <Screen user={user} signOut={signOut} />}
    </AuthGate>
  );
}
