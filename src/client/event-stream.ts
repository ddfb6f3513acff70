import { createParser } from 'eventsource-parser';

/** One server-sent event as received. */
export interface StreamEvent {
  type: string;
  id: string | undefined;
  data: unknown;
}

/** Options of {@link followEvents}. */
export interface FollowOptions {
  /** Node API base URL. */
  url: string;
  /** Query of `GET /events` (types, actor, kind, subject). */
  query: Record<string, string>;
  /** Resume after this event id (else: from now). */
  lastEventId?: string;
  /** First reconnect delay; doubles per failed try up to `maxRetryMs`, back to this after a good connect. */
  retryMs?: number;
  maxRetryMs?: number;
  signal: AbortSignal;
  onEvent(ev: StreamEvent): void;
  /** Connection state changes (to report reconnects). */
  onState?(state: 'connected' | 'disconnected', detail?: string): void;
}

/**
 * Follow `GET /events` until `signal` aborts: on any disconnect (node restart, network, proxy), reconnect with
 * `Last-Event-ID` set to the last id seen, so the node replays what was missed (SSE resume, see src/api/sse-replay.ts).
 * An HTTP error with a stable code (400 SSE_BAD_EVENT_ID, ...) other than a capacity refusal ends the follow.
 */
export async function followEvents(o: FollowOptions): Promise<void> {
  let last = o.lastEventId;
  const base = o.retryMs ?? 500;
  const max = o.maxRetryMs ?? 15_000;
  let delay = base;
  const qs = new URLSearchParams(o.query).toString();
  while (!o.signal.aborted) {
    try {
      const res = await fetch(`${o.url.replace(/\/$/, '')}/events${qs === '' ? '' : `?${qs}`}`, {
        headers: { accept: 'text/event-stream', ...(last === undefined ? {} : { 'last-event-id': last }) },
        signal: o.signal,
      });
      if (!res.ok) {
        const body = await res.text();
        let code = `HTTP_${res.status}`;
        try {
          code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? code;
        } catch {
          // not JSON: keep the status
        }
        // Capacity refusals pass; anything else is this client's mistake and will not pass by retrying.
        if (res.status !== 429 && res.status !== 503) throw Object.assign(new Error(`the node refused the stream: ${code}`), { code });
        throw new Error(`${code} (will retry)`);
      }
      o.onState?.('connected');
      delay = base;
      const parser = createParser({
        onEvent: (m) => {
          if (m.id !== undefined && m.id !== '') last = m.id;
          let data: unknown = m.data;
          try {
            data = JSON.parse(m.data);
          } catch {
            // keep the text
          }
          o.onEvent({ type: m.event ?? 'message', id: m.id, data });
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
      o.onState?.('disconnected', 'the stream ended');
    } catch (err) {
      if (o.signal.aborted) return;
      if ((err as { code?: string }).code !== undefined && /^SSE_|^BAD_REQUEST|^HTTP_4/.test((err as { code: string }).code)) throw err;
      o.onState?.('disconnected', (err as Error).message);
    }
    await new Promise<void>((r) => {
      const timer = setTimeout(r, delay);
      o.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          r();
        },
        { once: true },
      );
    });
    delay = Math.min(max, delay * 2);
  }
}
