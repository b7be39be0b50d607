import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';

/**
 * Loads a GET endpoint; `reload` fetches it again. When reloads overlap (a live event and a
 * user action at once), only the latest request's answer is kept: an older answer arriving
 * last must not overwrite a newer one.
 */
export function useApi<T>(url: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);
  const reload = useCallback(() => {
    if (!url) return;
    const seq = ++latest.current;
    setLoading(true);
    api<T>('GET', url)
      .then((d) => {
        if (seq !== latest.current) return;
        setData(d);
        setError(null);
      })
      .catch((e: Error) => {
        if (seq === latest.current) setError(e.message);
      })
      .finally(() => {
        if (seq === latest.current) setLoading(false);
      });
  }, [url]);
  useEffect(reload, [reload]);
  return { data, error, loading, reload };
}
