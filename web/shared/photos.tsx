/**
 * Photos with records (progress reports, city-management cases): an image read with the
 * signed-in user's token (files are served only to those who may see their record), and an
 * upload helper that sends a picked or captured image to `POST /api/files`.
 */
import { useEffect, useState } from 'react';
import { api, fetchBlob, problemText } from './api';

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

/**
 * Uploads the files a person picked, one after another: those over the size limit and those the
 * server refuses are reported through `onError` (in words), the rest answered as uploaded.
 */
export async function uploadFiles(list: FileList | null, onError: (message: string) => void, tooLarge: string): Promise<Uploaded[]> {
  const out: Uploaded[] = [];
  for (const f of Array.from(list ?? [])) {
    if (f.size > MAX_PHOTO_BYTES) {
      onError(tooLarge);
      continue;
    }
    try {
      out.push(await uploadPhoto(f));
    } catch (e) {
      onError(problemText(e));
    }
  }
  return out;
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
