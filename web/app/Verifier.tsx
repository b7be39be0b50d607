/**
 * 证照核验: anyone (a counter, a bank, a landlord) checks an electronic licence by its QR code,
 * from the camera or from an image, or by its text. The answer says valid, expired, suspended,
 * revoked, forged, unknown issuer or not a licence, and why. No login.
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { LicencePayload, Verdict } from '../../modules/licences/index';
import { LangSwitch } from '../shared/auth';
import { useI18n } from '../shared/i18n';
import { readQr, readQrFromFile } from '../shared/qr';

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
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);

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

  const stop = useCallback(() => {
    for (const track of stream.current?.getTracks() ?? []) track.stop();
    stream.current = null;
    setScanning(false);
  }, []);
  useEffect(() => stop, [stop]);

  // While the camera runs, a few frames a second are searched for a QR code.
  useEffect(() => {
    if (!scanning) return;
    let live = true;
    const tick = async () => {
      const v = video.current;
      if (!live || !v) return;
      if (v.readyState >= 2 && v.videoWidth > 0) {
        const found = await readQr(v, v.videoWidth, v.videoHeight);
        if (found && live) {
          stop();
          setText(found);
          await verify(found);
          return;
        }
      }
      if (live) setTimeout(tick, 250);
    };
    void tick();
    return () => {
      live = false;
    };
  }, [scanning, stop, verify]);

  const camera = async () => {
    setNote(null);
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      stream.current = s;
      setScanning(true);
      requestAnimationFrame(() => {
        if (video.current) {
          video.current.srcObject = s;
          void video.current.play();
        }
      });
    } catch {
      setNote(t('verify.noCamera'));
    }
  };

  const image = async (file: File | undefined) => {
    if (!file) return;
    setNote(null);
    setAnswer(null);
    try {
      const found = await readQrFromFile(file);
      if (!found) {
        setNote(t('verify.noQr'));
        return;
      }
      setText(found);
      await verify(found);
    } catch {
      setNote(t('verify.badImage'));
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) void verify(text);
  };

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
        <div className="verify-actions">
          {scanning ? (
            <button type="button" className="verify-btn" onClick={stop}>
              {t('verify.stop')}
            </button>
          ) : (
            <button type="button" className="verify-btn" onClick={camera}>
              {t('verify.camera')}
            </button>
          )}
          <label className="verify-btn secondary">
            {t('verify.image')}
            <input type="file" accept="image/*" hidden onChange={(e) => void image(e.target.files?.[0])} data-testid="verify-image" />
          </label>
        </div>
        {scanning && <video ref={video} className="verify-video" muted playsInline aria-label={t('verify.cameraView')} />}
        <form onSubmit={submit} className="verify-form">
          <label>
            {t('verify.text')}
            <textarea translate="no" value={text} rows={3} maxLength={8000} onChange={(e) => setText(e.target.value)} data-testid="verify-text" />
          </label>
          <button type="submit" className="verify-btn" disabled={busy || !text.trim()} data-testid="verify-submit">
            {t('verify.check')}
          </button>
        </form>
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
