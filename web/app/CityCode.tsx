/**
 * 城市码: the person's (or their enterprise's) dynamic QR code, signed and valid for a minute,
 * refreshed on screen every half minute with the time left shown; below, where it was scanned.
 */
import { List, ProgressBar, Selector } from 'antd-mobile';
import { useCallback, useEffect, useState } from 'react';
import { api, problemText } from '../shared/api';
import { useApi } from '../shared/hooks';
import { useI18n } from '../shared/i18n';
import { QrCode } from '../shared/qr';
import { when } from './people';
import { Page, Synthetic, useAccount } from './shell';

interface Code {
  code: string;
  issuedAt: number;
  expiresAt: number;
  refreshAt: number;
  synthetic: boolean;
}

interface Scan {
  id: string;
  at: number;
  point: { name: { zh: string; en: string }; kind: string };
  verdict: string;
  offline: boolean;
}

export function CityCodePage() {
  const { t, n, lang } = useI18n();
  const { account, as, setAs } = useAccount();
  const [code, setCode] = useState<Code | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const q = as ? `?as=${as}` : '';
  const scans = useApi<Scan[]>(`/api/people/scans${q}`);
  const fetchCode = useCallback(async () => {
    try {
      setCode(await api<Code>('GET', `/api/people/citycode${q}`));
      setErr(null);
    } catch (e) {
      setErr(problemText(e));
    }
  }, [q]);
  useEffect(() => {
    void fetchCode();
  }, [fetchCode]);
  // Refreshed at refreshAt (half its minute); the bar shows what is left.
  useEffect(() => {
    if (!code) return;
    const h = setTimeout(() => void fetchCode(), Math.max(1000, code.refreshAt - Date.now()));
    return () => clearTimeout(h);
  }, [code, fetchCode]);
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(h);
  }, []);
  const left = code ? Math.max(0, Math.round((code.expiresAt - now) / 1000)) : 0;
  const owners = [
    { label: account.name, value: '' },
    ...account.actsFor.filter((e) => e.scopes.includes('licences')).map((e) => ({ label: e.name, value: e.creditCode })),
  ];
  return (
    <Page title={t('app.svc.code')} testId="citycode-page">
      <section className="sa-card sa-center">
        {owners.length > 1 && <Selector options={owners} value={[as ?? '']} onChange={(v) => setAs(v[0] || undefined)} />}
        <div className="sa-code-name" translate="no">
          {as ? owners.find((o) => o.value === as)?.label : account.name} <Synthetic on={code?.synthetic ?? false} />
        </div>
        {code ? (
          <div className="sa-code-box" data-testid="citycode" data-code={code.code}>
            <QrCode text={code.code} size={account.elderMode ? 300 : 260} label={t('app.svc.code')} />
          </div>
        ) : (
          <div className="sa-code-box sa-fine">{err ?? t('common.loading')}</div>
        )}
        <ProgressBar percent={(left / 60) * 100} aria-label={t('sa.codeLeft')} />
        <p className="sa-fine" data-testid="code-left">
          {t('sa.codeLeft')} {left}s · {t('sa.codeNoScreenshot')}
        </p>
      </section>
      <section className="sa-card">
        <h2>{t('sa.scans')}</h2>
        <List>
          {(scans.data ?? []).slice(0, 20).map((s) => (
            <List.Item key={s.id} description={when(s.at, lang)} extra={t(s.verdict === 'valid' ? 'sa.scanOk' : 'sa.scanRefused')}>
              {n(s.point.name)}
              {s.offline ? ` · ${t('sa.offline')}` : ''}
            </List.Item>
          ))}
        </List>
        {scans.data?.length === 0 && <p className="sa-fine">{t('sa.noScans')}</p>}
      </section>
    </Page>
  );
}
