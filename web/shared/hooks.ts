import { useCallback, useEffect, useState } from 'react';
import { api } from './api';

/** Loads a GET endpoint; `reload` fetches it again. */
export function useApi<T>(url: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const reload = useCallback(() => {
    if (!url) return;
    setLoading(true);
    api<T>('GET', url)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => setLoading(false));
  }, [url]);
  useEffect(reload, [reload]);
  return { data, error, loading, reload };
}
