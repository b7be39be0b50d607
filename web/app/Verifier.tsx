/**
 * 证照核验: anyone (a counter, a bank, a landlord) checks an electronic licence by its QR code,
 * from the camera or from an image, or by its text. The answer says valid, expired, suspended,
 * revoked, forged, unknown issuer or not a licence, and why. No login.
 */
import { useCallback, useState } from 'react';
import type { LicencePayload, Verdict } from '../../modules/licences/index';
import { LangSwitch } from '../shared/auth';
import { useI18n } from '../shared/i18n';
import { QrReader } from '../shared/QrReader';

type Names = { zh: string; en: string };
interface Answer {
  verdict: Verdict;
  reason: Names;
  licence: LicencePayload | null;
}

const TONE: Record<Verdict, 'good' | 'warn' | 'bad'> = {
  valid: 'good',
  expired: 'warn',
  not_yet_valid: 'warn',
  suspended: 'warn',
  revoked: 'bad',
  forged: 'bad',
  unknown_issuer: 'bad',
  malformed: 'bad',
};

/** A person's ID number shown with its middle hidden (the name beside it is what a counter compares). */
function maskId(id: string, kind: string): string {
  return kind === 'person' && id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : id;
}

export function Verifier() {
  const { t, n, lang } = useI18n();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const verify = useCallback(
    async (document: string) => {
      setBusy(true);
      setNote(null);
      try {
        const r = await fetch('/api/open/licences/verify', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'accept-language': lang === 'en' ? 'en' : 'zh-CN' },
          body: JSON.stringify({ document: document.trim().slice(0, 8000) }),
        });
        const body = await r.json();
        if (!r.ok) throw new Error(body.detail ?? body.title);
        setAnswer(body as Answer);
      } catch (e) {
        setAnswer(null);
        setNote(e instanceof Error ? e.message : String(e));
      } finally {
        setBusy(false);
      }
    },
    [lang],
  );

  const l = answer?.licence;
  return (
    <div className="citizen">
      <header className="citizen-header">
        <div>
          <div className="citizen-city">{t('app.app')}</div>
          <h1 className="citizen-hello">{t('verify.title')}</h1>
        </div>
        <div className="citizen-tools">
          <LangSwitch />
        </div>
      </header>
      <section className="citizen-card">
        <p className="verify-intro">{t('verify.intro')}</p>
        <QrReader
          onRead={(found) => void verify(found)}
          busy={busy}
          label={t('verify.text')}
          ids={{ image: 'verify-image', text: 'verify-text', submit: 'verify-submit' }}
        />
        {note && (
          <p className="verify-note" role="alert">
            {note}
          </p>
        )}
      </section>
      {answer && (
        <section className={`citizen-card verify-result ${TONE[answer.verdict]}`} data-testid="verify-result" data-verdict={answer.verdict}>
          <h2>{t(`verify.verdict.${answer.verdict}` as 'verify.verdict.valid')}</h2>
          <p>{n(answer.reason)}</p>
          {l && !['malformed', 'forged', 'unknown_issuer'].includes(answer.verdict) && (
            <dl className="verify-facts">
              <dt>{t('verify.type')}</dt>
              <dd translate="no">{l.typName}</dd>
              <dt>{t('verify.number')}</dt>
              <dd translate="no">{l.no}</dd>
              <dt>{t('verify.holder')}</dt>
              <dd translate="no">
                {l.holder.name} · {maskId(l.holder.id, l.holder.kind)}
              </dd>
              <dt>{t('verify.issuer')}</dt>
              <dd translate="no">{l.issuer.name}</dd>
              <dt>{t('verify.validity')}</dt>
              <dd>
                {l.nbf} — {l.exp ?? t('verify.noExpiry')}
              </dd>
            </dl>
          )}
          {(answer.verdict === 'forged' || answer.verdict === 'unknown_issuer') && <p className="verify-warn">{t('verify.forgedHint')}</p>}
        </section>
      )}
    </div>
  );
}
