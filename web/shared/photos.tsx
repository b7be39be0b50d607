/**
 * Photos with records (progress reports, city-management cases): an image read with the
 * signed-in user's token (files are served only to those who may see their record), and an
 * upload helper that sends a picked or captured image to `POST /api/files`.
 */
import { useEffect, useState } from 'react';
import { api, fetchBlob } from './api';

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

export interface Uploaded {
  id: string;
  name: string;
  url: string;
}

/** Uploads one image file; the server checks its type by content. */
export async function uploadPhoto(f: File): Promise<Uploaded> {
  const data = await new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(f);
  });
  return api<Uploaded>('POST', '/api/files', { name: f.name || 'photo.jpg', contentType: f.type || 'image/jpeg', data });
}

export function AuthImage({ url, alt, size = 96 }: { url: string; alt: string; size?: number }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let href: string | null = null;
    let live = true;
    fetchBlob(url)
      .then((b) => {
        if (!live) return;
        href = URL.createObjectURL(b);
        setSrc(href);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      if (href) URL.revokeObjectURL(href);
    };
  }, [url]);
  return src ? (
    // The alt text is the file's own name: shown as is in both languages.
    <a href={src} target="_blank" rel="noreferrer" translate="no">
      <img src={src} alt={alt} translate="no" width={size} height={size} style={{ objectFit: 'cover', borderRadius: 4 }} />
    </a>
  ) : (
    <span style={{ display: 'inline-block', width: size, height: size, background: '#f0f0f0', borderRadius: 4 }} title={alt} translate="no" />
  );
}
