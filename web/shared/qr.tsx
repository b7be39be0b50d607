import QRCode from 'qrcode';
import { useEffect, useRef } from 'react';

/**
 * A QR code of a text (a licence document), drawn on a canvas; the canvas can be saved as an image.
 * Error correction M: a printed or photographed code survives a little damage.
 */
export function QrCode({ text, size = 320, label }: { text: string; size?: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) QRCode.toCanvas(ref.current, text, { errorCorrectionLevel: 'M', margin: 2, width: size }).catch(() => undefined);
  }, [text, size]);
  return <canvas ref={ref} role="img" aria-label={label} data-testid="licence-qr" />;
}

/** Reads a QR code from an image file (a photo or a screenshot); null when there is none. */
export async function readQrFromFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  return readQr(bitmap, bitmap.width, bitmap.height);
}

/** Reads a QR code from a frame (an image or a video), scaled down to at most 1,280 pixels wide. */
export async function readQr(source: CanvasImageSource, width: number, height: number): Promise<string | null> {
  const { default: jsQR } = await import('jsqr');
  const scale = Math.min(1, 1280 / width);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, w, h);
  const data = ctx.getImageData(0, 0, w, h);
  return jsQR(data.data, w, h, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}
