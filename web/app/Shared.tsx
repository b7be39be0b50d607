/**
 * A shared licence opened by its link (`/app/shared#<token>`): the token travels after the #, so it
 * never reaches a server's log. Shows the holder (masked), the purpose and the licences as
 * verifiable documents; every view is logged and shown to the holder. No login.
 */
import { useEffect, useState } from 'react';
import { problemText } from '../shared/api';
import { LangSwitch } from '../shared/auth';
import { type StringKey, useI18n } from '../shared/i18n';
import { QrCode } from '../shared/qr';
import { type SharedView, openShare, when } from './people';

export function SharedPage() {
  const { t, n, lang } = useI18n();
  const [view, setView] = useState<SharedView | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    const token = window.location.hash.slice(1);
    if (!token) {
      setErr(t('sa.shareMissing'));
      return;
    }
    openShare(token).then(setView, (e) => setErr(problemText(e)));
  }, [t]);
  return (
    <div className="citizen" data-testid="shared-page">
      <header className="citizen-header">
        <div>
          <div className="citizen-city">{t('app.app')}</div>
          <h1 className="citizen-hello">{t('sa.sharedTitle')}</h1>
        </div>
        <div className="citizen-tools">
          <LangSwitch />
        </div>
      </header>
      {err && (
        <section className="citizen-card verify-result bad" role="alert" data-testid="shared-error">
          <h2>{err}</h2>
        </section>
      )}
      {view && (
        <>
          <section className="citizen-card">
            <dl className="verify-facts">
              <dt>{t('verify.holder')}</dt>
              <dd translate="no">
                {view.holder.name}（{view.holder.subject}）{view.holder.synthetic ? ` ${t('sa.synthetic')}` : ''}
              </dd>
              <dt>{t('sa.shareTo')}</dt>
              <dd translate="no">{view.grantee.name}</dd>
              <dt>{t('sa.purpose')}</dt>
              <dd>{view.purpose}</dd>
              <dt>{t('sa.until')}</dt>
              <dd>{when(view.validUntil, lang)}</dd>
            </dl>
            <p className="sa-fine">{t('sa.sharedLogged')}</p>
          </section>
          {view.licences.map((l) => (
            <section key={l.number} className={`citizen-card verify-result ${l.verdict === 'valid' ? 'good' : 'warn'}`} data-testid="shared-licence">
              <h2>
                {l.typeName} · {t(`verify.verdict.${l.verdict}` as StringKey)}
              </h2>
              <dl className="verify-facts">
                <dt>{t('verify.number')}</dt>
                <dd translate="no">{l.number}</dd>
                <dt>{t('verify.issuer')}</dt>
                <dd>{l.issuer}</dd>
                {Object.entries(l.fields).map(([k, v]) => (
                  <span key={k} style={{ display: 'contents' }}>
                    <dt>{l.labels[k] ? n(l.labels[k]) : k}</dt>
                    <dd>{String(v)}</dd>
                  </span>
                ))}
              </dl>
              <div className="sa-center">
                <QrCode text={l.document} size={220} label={l.typeName} />
                <p className="sa-fine">{t('sa.licenceQrNote')}</p>
              </div>
            </section>
          ))}
        </>
      )}
    </div>
  );
}
