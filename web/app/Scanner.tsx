/**
 * 扫码核验 for staff at counters, buses, scenic-area gates and hospitals (`/app/scan`): choose the
 * scan point, read a city code, and see at once what the signature and the minute say, checked on
 * this device with the kept keys (works with no network). Online, the scan is sent: the code is
 * taken once (a replayed screenshot fails) and the point's role decides what shows. Offline, scans
 * wait on the device and are sent when the network is back.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Me } from '../shared/api';
import { api, problemText } from '../shared/api';
import { type CodeKey, type OfflineVerdict, prepareKeys, refreshKeys, storedKeys, verifyOffline } from '../shared/citycode';
import { useApi } from '../shared/hooks';
import { type StringKey, useI18n } from '../shared/i18n';
import { QrReader } from '../shared/QrReader';

interface Point {
  id: string;
  name: { zh: string; en: string };
  kind: string;
  reveals: 'identity' | 'licence' | 'booking';
  target: string | null;
}

interface ScanAnswer {
  verdict: string;
  reason: { zh: string; en: string };
  offline: boolean;
  holder: { kind: string; name: string } | null;
  revealed: {
    identity?: { name: string; idNumber?: string; creditCode?: string; synthetic?: boolean };
    licence?: { number: string; typeName: string; verdict: string; validUntil: string | null } | null;
    booking?: { start: string; party: number } | null;
  };
}

const QUEUE = 'wudang.scan.queue';
type Queued = { point: string; code: string; scannedAt: number };
const queued = (): Queued[] => {
  try {
    return JSON.parse(localStorage.getItem(QUEUE) ?? '[]') as Queued[];
  } catch {
    return [];
  }
};
const saveQueue = (q: Queued[]) => localStorage.setItem(QUEUE, JSON.stringify(q));

const TONE: Record<string, string> = { valid: 'good', expired: 'warn', not_yet_valid: 'warn', unchecked: 'warn' };

export function Scanner({ user }: { user: Me }) {
  const { t, n } = useI18n();
  const points = useApi<Point[]>('/api/citycode/points');
  const [point, setPoint] = useState<string>('');
  const [keys, setKeys] = useState<CodeKey[]>(storedKeys()?.keys ?? []);
  const [online, setOnline] = useState(navigator.onLine);
  const [local, setLocal] = useState<{ verdict: OfflineVerdict; name: string | null } | null>(null);
  const [answer, setAnswer] = useState<ScanAnswer | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [pending, setPending] = useState(queued().length);

  const flush = useCallback(async () => {
    const q = queued();
    const left: Queued[] = [];
    for (const item of q) {
      try {
        await api('POST', '/api/citycode/scans', item);
      } catch {
        left.push(item);
      }
    }
    saveQueue(left);
    setPending(left.length);
  }, []);

  useEffect(() => {
    void refreshKeys().then((k) => k && setKeys(k.keys));
    const up = () => {
      setOnline(true);
      void refreshKeys().then((k) => k && setKeys(k.keys));
      void flush();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, [flush]);

  useEffect(() => {
    if (!point && points.data?.[0]) setPoint(points.data[0].id);
  }, [points.data, point]);

  // The tables that make a check fast, made while nobody waits.
  useEffect(() => {
    const h = setTimeout(() => prepareKeys(keys), 0);
    return () => clearTimeout(h);
  }, [keys]);

  const read = useCallback(
    async (text: string) => {
      setAnswer(null);
      setErr(null);
      const checked = await verifyOffline(text, keys);
      setLocal({ verdict: checked.verdict, name: checked.payload?.n ?? null });
      if (!point) return;
      const item = { point, code: text, scannedAt: Date.now() };
      if (!navigator.onLine) {
        saveQueue([...queued(), item]);
        setPending(queued().length);
        return;
      }
      try {
        setAnswer(await api<ScanAnswer>('POST', '/api/citycode/scans', { point, code: text }));
      } catch (e) {
        // The network failed on the way: kept to send later.
        if (e instanceof TypeError) {
          saveQueue([...queued(), item]);
          setPending(queued().length);
        } else setErr(problemText(e));
      }
    },
    [keys, point],
  );

  const p = points.data?.find((x) => x.id === point);
  const r = answer?.revealed;
  return (
    <div className="citizen" data-testid="scanner">
      <header className="citizen-header">
        <div>
          <div className="citizen-city">
            <span translate="no">{user.displayName ?? user.name}</span> · {online ? t('sa.online') : t('sa.offline')}
          </div>
          <h1 className="citizen-hello">{t('sa.scanTitle')}</h1>
        </div>
      </header>
      <section className="citizen-card">
        <label className="verify-form">
          {t('sa.scanPoint')}
          <select value={point} onChange={(e) => setPoint(e.target.value)} data-testid="scan-point">
            {(points.data ?? []).map((x) => (
              <option key={x.id} value={x.id}>
                {n(x.name)}（{t(`sa.reveals.${x.reveals}` as StringKey)}）
              </option>
            ))}
          </select>
        </label>
        {points.data?.length === 0 && <p className="verify-note">{t('sa.noPoints')}</p>}
        <p className="sa-fine">
          {t('sa.keysKept')} {keys.length} · {t('sa.pending')} {pending}
        </p>
        <QrReader onRead={(x) => void read(x)} />
      </section>
      {local && (
        <section className={`citizen-card verify-result ${TONE[local.verdict] ?? 'bad'}`} data-testid="scan-local" data-verdict={local.verdict}>
          <h2>
            {t('sa.checkedHere')}：{t(`sa.verdict.${local.verdict}` as StringKey)}
          </h2>
          {local.name && <p translate="no">{local.name}</p>}
          {!online && <p className="sa-fine">{t('sa.queued')}</p>}
        </section>
      )}
      {answer && (
        <section className={`citizen-card verify-result ${TONE[answer.verdict] ?? 'bad'}`} data-testid="scan-answer" data-verdict={answer.verdict}>
          <h2>{n(answer.reason)}</h2>
          {r?.identity && (
            <dl className="verify-facts">
              <dt>{t('verify.holder')}</dt>
              <dd translate="no">
                {r.identity.name}
                {r.identity.synthetic ? ` ${t('sa.synthetic')}` : ''}
              </dd>
              {r.identity.idNumber && (
                <>
                  <dt>{t('sa.idNumber')}</dt>
                  <dd translate="no">{r.identity.idNumber}</dd>
                </>
              )}
              {r.identity.creditCode && (
                <>
                  <dt>{t('sa.creditCode')}</dt>
                  <dd translate="no">{r.identity.creditCode}</dd>
                </>
              )}
            </dl>
          )}
          {p?.reveals === 'licence' && (
            <p data-testid="scan-licence">
              {r?.licence ? `${r.licence.typeName} ${r.licence.number} · ${t(`verify.verdict.${r.licence.verdict}` as StringKey)}` : t('sa.noLicenceOfType')}
            </p>
          )}
          {p?.reveals === 'booking' && (
            <p data-testid="scan-booking">
              {r?.booking ? `${t('sa.admitted')} ${r.booking.start} · ${r.booking.party} ${t('sa.people')}` : t('sa.noBookingToday')}
            </p>
          )}
        </section>
      )}
      {err && (
        <section className="citizen-card verify-result bad" role="alert">
          <h2>{err}</h2>
        </section>
      )}
    </div>
  );
}
