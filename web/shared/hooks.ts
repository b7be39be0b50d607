import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, accessToken, api, problemText } from './api';

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

/**
 * Listens to the live push stream (`/api/live?kinds=…`), reconnecting when it drops; each
 * message is handed over parsed. Used by the alert inbox and the situation boards.
 */
export function useLive(kinds: string, onMessage: (m: { kind: string; [k: string]: unknown }) => void, onReconnect?: () => void): void {
  const cb = useRef(onMessage);
  cb.current = onMessage;
  // After a drop (a server restart, the network) events were missed: the caller reloads what it shows.
  const again = useRef(onReconnect);
  again.current = onReconnect;
  useEffect(() => {
    let ws: WebSocket | null = null;
    let closed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let dropped = false;
    const retry = () => {
      dropped = true;
      if (!closed) timer = setTimeout(connect, 3000);
    };
    const connect = async () => {
      // Nothing to listen to (a role that reads none of these kinds): no connection at all.
      if (!kinds || !accessToken() || closed) return;
      // A one-time ticket, not the access token, goes into the URL (URLs end up in logs).
      let ticket: string;
      try {
        ticket = (await api<{ ticket: string }>('POST', '/api/auth/ticket')).ticket;
      } catch {
        retry();
        return;
      }
      if (closed) return;
      const proto = location.protocol === 'https:' ? 'wss' : 'ws';
      ws = new WebSocket(`${proto}://${location.host}/api/live?kinds=${kinds}&ticket=${encodeURIComponent(ticket)}`);
      ws.onopen = () => {
        if (dropped) again.current?.();
        dropped = false;
      };
      ws.onmessage = (m) => {
        try {
          cb.current(JSON.parse(String(m.data)));
        } catch {
          /* not JSON: ignore */
        }
      };
      ws.onclose = retry;
    };
    void connect();
    return () => {
      closed = true;
      if (timer) clearTimeout(timer);
      ws?.close();
    };
  }, [kinds]);
}

/** Calls `fn` at most once per `ms` for a burst of calls (a storm of live events reloads once). */
export function useCoalesced(fn: () => void, ms = 500): () => void {
  const cb = useRef(fn);
  cb.current = fn;
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(pending.current), []);
  return useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      cb.current();
    }, ms);
  }, [ms]);
}

export interface FieldError {
  pointer: string;
  detail: string;
}

/**
 * The server's own check of a draft as a form changes (debounced 300 ms): POSTs it to a
 * `…/validate` endpoint and returns its field errors; null until the first answer.
 */
export function useServerCheck(url: string, draft: unknown): FieldError[] | null {
  const [errors, setErrors] = useState<FieldError[] | null>(null);
  useEffect(() => {
    // An answer about a draft that has changed since is dropped: answers can arrive out of order.
    let current = true;
    const timer = setTimeout(() => {
      api<{ errors: FieldError[] }>('POST', url, draft)
        .then((r) => current && setErrors(r.errors))
        // A draft the schema refuses: its field errors, where the problem names them.
        .catch(
          (e) => current && setErrors(e instanceof ApiError && e.problem.errors?.length ? e.problem.errors : [{ pointer: '/body', detail: problemText(e) }]),
        );
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [url, draft]);
  return errors;
}
