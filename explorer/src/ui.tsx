// Small shared pieces: hashes shortened with a copy button, local times with UTC on hover, loading and error
// states. Every record value is rendered as a text node (Preact escapes it), never as markup.
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiCallError } from './api.js';

/** `abcdef12…7890ab` for long hex strings. */
export function shortHash(h: string, head = 8, tail = 6): string {
  return h.length <= head + tail + 1 ? h : `${h.slice(0, head)}…${h.slice(-tail)}`;
}

/**
 * Copy text: the Clipboard API where the page is a secure context (localhost, https), else a selected
 * off-screen textarea and the copy command (a node reached over plain http on a LAN address).
 */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard !== undefined) return navigator.clipboard.writeText(text);
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

/** A button copying `text` to the clipboard. */
export function Copy({ text, label }: { text: string; label: string }): JSX.Element {
  const [done, setDone] = useState<'idle' | 'ok' | 'failed'>('idle');
  const copy = (): void => {
    copyText(text).then(
      () => setDone('ok'),
      () => setDone('failed'),
    );
  };
  return (
    <button type="button" class="copy" onClick={copy} aria-label={`Copy ${label}`} title={`Copy ${label}`}>
      {done === 'ok' ? 'copied' : done === 'failed' ? 'copy failed' : 'copy'}
    </button>
  );
}

/** A hash shown shortened (full value on hover and for screen readers), optionally linked, with a copy button. */
export function Hash({ value, href, label = 'hash', full = false }: { value: string; href?: string; label?: string; full?: boolean }): JSX.Element {
  const text = full ? value : shortHash(value);
  return (
    <span class="hash-wrap">
      {href === undefined ? (
        <span class={full ? 'hash full' : 'hash'} title={value}>
          {text}
        </span>
      ) : (
        <a class="hash" href={href} title={value} aria-label={`${label} ${value}`}>
          {text}
        </a>
      )}
      <Copy text={value} label={label} />
    </span>
  );
}

/** A unix time (seconds) in the viewer's locale, UTC on hover. */
export function Time({ s }: { s: number }): JSX.Element {
  const d = new Date(s * 1000);
  return (
    <time dateTime={d.toISOString()} title={`${d.toISOString().replace('T', ' ').replace('.000Z', '')} UTC`}>
      {d.toLocaleString()}
    </time>
  );
}

/** "12 s ago", "3 min ago". */
export function ago(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

/** A loading indicator announced to screen readers. */
export function Loading({ what }: { what: string }): JSX.Element {
  return (
    <p class="status" role="status">
      Loading {what}…
    </p>
  );
}

/** An error with its stable code. */
export function ErrorBox({ error, what }: { error: ApiCallError | { code: string; message: string }; what?: string }): JSX.Element {
  return (
    <div class="error" role="alert">
      {what !== undefined ? `Could not load ${what}: ` : ''}
      {error.message} <span class="hash">({error.code})</span>
    </div>
  );
}

/** Loading / error / content of a fetch. */
export function Show<T>({
  f,
  what,
  children,
}: {
  f: { data?: T; error?: ApiCallError; loading: boolean };
  what: string;
  children: (d: T) => ComponentChildren;
}): JSX.Element {
  if (f.data !== undefined) return <>{children(f.data)}</>;
  if (f.error !== undefined) return <ErrorBox error={f.error} what={what} />;
  return <Loading what={what} />;
}

/** A definition list of labelled fields. */
export function Fields({ rows }: { rows: Array<[string, ComponentChildren] | false | undefined> }): JSX.Element {
  return (
    <dl class="fields">
      {rows.map((r) =>
        r === false || r === undefined ? null : (
          <>
            <dt>{r[0]}</dt>
            <dd>{r[1]}</dd>
          </>
        ),
      )}
    </dl>
  );
}

/** Number with thousands separators in the viewer's locale. */
export function num(n: number, digits = 0): string {
  return n.toLocaleString(undefined, { maximumFractionDigits: digits });
}

/** Hashes per second with a unit. */
export function rate(h: number): string {
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s'];
  let i = 0;
  while (h >= 1000 && i < units.length - 1) {
    h /= 1000;
    i++;
  }
  return `${h.toFixed(h < 10 ? 2 : 1)} ${units[i]}`;
}

/** Difficulty of compact bits (hex string): max target / target. */
export function difficulty(bitsHex: string): number {
  const bits = parseInt(bitsHex, 16);
  const exp = bits >>> 24;
  const mant = bits & 0x7fffff;
  if (mant === 0) return 0;
  const target = exp >= 3 ? BigInt(mant) << BigInt(8 * (exp - 3)) : BigInt(mant) >> BigInt(8 * (3 - exp));
  if (target === 0n) return 0;
  const max = 2n ** 256n - 1n;
  return Number((max * 1000n) / target) / 1000;
}

/** Links of the explorer's pages. */
export const link = {
  block: (id: string | number) => `#/block/${id}`,
  record: (txid: string) => `#/record/${txid}`,
  actor: (a: string) => `#/actor/${a}`,
  subject: (s: string) => `#/subject/${encodeURIComponent(s)}`,
  kind: (k: string) => `#/kind/${encodeURIComponent(k)}`,
  blocks: (from?: number) => (from === undefined ? '#/blocks' : `#/blocks/${from}`),
};

/**
 * Previous/next buttons over a cursor-paginated list: `cursors` holds the cursor of each page after the first, so
 * going back pops one and going forward pushes the page's `nextCursor`.
 */
export function CursorPager({
  label,
  cursors,
  setCursors,
  nextCursor,
  children,
}: {
  label: string;
  cursors: string[];
  setCursors: (update: (c: string[]) => string[]) => void;
  nextCursor: string | undefined;
  children?: ComponentChildren;
}): JSX.Element {
  return (
    <nav class="pager" aria-label={label}>
      {children}
      {cursors.length > 0 && (
        <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous page
        </button>
      )}
      {nextCursor !== undefined && (
        <button type="button" onClick={() => setCursors((c) => [...c, nextCursor])}>
          Next page
        </button>
      )}
    </nav>
  );
}
