// CSV (RFC 4180) and JSON Lines exports of actions.
import type { ActionJson } from '../../src/api/types.js';

const COLUMNS = ['txid', 'height', 'blockHash', 'index', 'blockTime', 'actor', 'nonce', 'kind', 'subject', 'signedAt', 'payload'] as const;

function cell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a header row; payload as JSON text; times as ISO 8601 UTC. CRLF line ends (RFC 4180). */
export function toCsv(items: ActionJson[]): string {
  const rows = items.map((a) =>
    [
      a.txid,
      a.height,
      a.blockHash,
      a.index,
      new Date(a.time * 1000).toISOString(),
      a.tx.from,
      a.tx.nonce,
      a.tx.kind,
      a.tx.subject ?? '',
      new Date(a.tx.time).toISOString(),
      JSON.stringify(a.tx.payload),
    ]
      .map(cell)
      .join(','),
  );
  return `${[COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

/** One JSON object per line: the API's action objects. */
export function toJsonl(items: ActionJson[]): string {
  return items.map((a) => JSON.stringify(a)).join('\n') + (items.length > 0 ? '\n' : '');
}

/** Nonce gaps in a nonce-ordered list starting at `first`: the missing ranges. */
export function nonceGaps(nonces: number[], first = 0): Array<[number, number]> {
  const gaps: Array<[number, number]> = [];
  let expect = first;
  for (const n of nonces) {
    if (n > expect) gaps.push([expect, n - 1]);
    expect = Math.max(expect, n + 1);
  }
  return gaps;
}
