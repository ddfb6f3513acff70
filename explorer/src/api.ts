// The explorer's client of the node's HTTP API (same origin): typed GET/POST with the API's error codes.
import { useCallback, useLayoutEffect, useState } from 'preact/hooks';

/** A failed API call: the API's stable error code (or NETWORK / BAD_RESPONSE) and its message. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
  } catch (err) {
    throw new ApiCallError('NETWORK', `the node did not answer: ${(err as Error).message}`, 0);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiCallError('BAD_RESPONSE', `the node sent a response that is not JSON (HTTP ${res.status})`, res.status);
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string } }).error;
    throw new ApiCallError(e?.code ?? `HTTP_${res.status}`, e?.message ?? `HTTP ${res.status}`, res.status);
  }
  return body as T;
}

/** GET a JSON resource of the API. */
export function apiGet<T>(path: string): Promise<T> {
  return call<T>(path);
}

/** POST JSON to the API, with the admin token when given. */
export function apiPost<T>(path: string, body: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined && token !== '') headers.authorization = `Bearer ${token}`;
  return call<T>(path, { method: 'POST', headers, body: JSON.stringify(body ?? {}) });
}

/** State of a fetch in a component. */
export interface Fetched<T> {
  data?: T;
  error?: ApiCallError;
  loading: boolean;
  /** Fetch again (keeps showing the old data meanwhile). */
  reload: () => void;
}

/** Fetch `path` when it changes (null: nothing to fetch). */
export function useApi<T>(path: string | null): Fetched<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiCallError; loading: boolean; path: string | null }>({ loading: path !== null, path });
  const [tick, setTick] = useState(0);
  // A layout effect starts the request as soon as the component is in the DOM (a plain effect waits for a frame).
  useLayoutEffect(() => {
    if (path === null) return;
    let live = true;
    setState((s) => ({ data: s.path === path ? s.data : undefined, loading: true, path }));
    apiGet<T>(path).then(
      (data) => live && setState({ data, loading: false, path }),
      (error: unknown) =>
        live && setState({ error: error instanceof ApiCallError ? error : new ApiCallError('ERROR', String(error), 0), loading: false, path }),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const same = state.path === path;
  return { data: same ? state.data : undefined, error: same ? state.error : undefined, loading: !same || state.loading, reload };
}

/** Path segment encoding for names (subjects and kinds may hold any characters). */
export function seg(name: string): string {
  return encodeURIComponent(name);
}
