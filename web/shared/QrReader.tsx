/**
 * Reads a QR code three ways: the camera (a few frames a second searched), an image (a photo or a
 * screenshot), or its text pasted (a scanner gun types it). Hands the text found to `onRead`.
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from './i18n';
import { readQr, readQrFromFile } from './qr';

export interface QrReaderProps {
  onRead: (text: string) => void;
  busy?: boolean;
  /** A kiosk's larger controls. */
  big?: boolean;
  /** The text box's label (by default: paste the city code). */
  label?: string;
  /** Test ids of the image input, the text box and its button. */
  ids?: { image: string; text: string; submit: string };
}

const IDS = { image: 'qr-image', text: 'qr-text', submit: 'qr-submit' };

export function QrReader({ onRead, busy = false, big = false, label, ids = IDS }: QrReaderProps) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const stop = useCallback(() => {
    for (const track of stream.current?.getTracks() ?? []) track.stop();
    stream.current = null;
    setScanning(false);
  }, []);
  useEffect(() => stop, [stop]);
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
          onRead(found);
          return;
        }
      }
      if (live) setTimeout(tick, 250);
    };
    void tick();
    return () => {
      live = false;
    };
  }, [scanning, stop, onRead]);
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
    try {
      const found = await readQrFromFile(file);
      if (found) onRead(found);
      else setNote(t('verify.noQr'));
    } catch {
      setNote(t('verify.badImage'));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) {
      onRead(text.trim());
      setText('');
    }
  };
  return (
    <div className={big ? 'qr-reader big' : 'qr-reader'}>
      <div className="verify-actions">
        {scanning ? (
          <button type="button" className="verify-btn secondary" onClick={stop}>
            {t('verify.stop')}
          </button>
        ) : (
          <button type="button" className="verify-btn" onClick={camera} disabled={busy} data-testid="qr-camera">
            {t('verify.camera')}
          </button>
        )}
        <label className="verify-btn secondary">
          {t('verify.image')}
          <input type="file" accept="image/*" hidden onChange={(e) => void image(e.target.files?.[0])} data-testid={ids.image} />
        </label>
      </div>
      {scanning && <video ref={video} className="verify-video" playsInline muted aria-label={t('verify.cameraView')} />}
      <form className="verify-form" onSubmit={submit}>
        <label>
          {label ?? t('sa.pasteCode')}
          <textarea translate="no" rows={big ? 2 : 3} maxLength={8000} value={text} onChange={(e) => setText(e.target.value)} data-testid={ids.text} />
        </label>
        <button type="submit" className="verify-btn" disabled={busy || !text.trim()} data-testid={ids.submit}>
          {t('verify.check')}
        </button>
      </form>
      {note && (
        <p className="verify-note" role="alert">
          {note}
        </p>
      )}
    </div>
  );
}
