import { Readable } from 'node:stream';
import type { Page, PageRequest } from '../../store/pages.js';
import type { TxRecord } from '../../store/query-index.js';
import type { ReadBudget } from '../block-reader.js';
import type { ApiContext } from '../context.js';
import type { RowField } from './params.js';
import { denseHeights, needsRecord, resolveRows, type ItemRef, type RowItem } from './rows.js';

/** One page of an index for a list route, bounds already applied. */
export type Lister = (page: PageRequest) => Promise<Page<ItemRef>>;

/** Content types of the streamed formats. */
export const EXPORT_TYPES = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' } as const;

/** Rows per index page read by an export. */
const EXPORT_PAGE = 1000;

// An index page, the chain's main-chain removals before it was read, and its records (none for refs read from
// dense blocks' bodies or carrying their rows while no reorg happened; resolveRows reads those it still needs).
interface Fetched {
  page: Page<ItemRef>;
  removals: number;
  records: Array<TxRecord | undefined>;
  dense: Set<number>;
}

/** Where and how much an export reads. */
export interface ExportRequest {
  fields: readonly RowField[];
  format: 'csv' | 'ndjson';
  cursor?: string;
  reverse?: boolean;
  /** Most rows (default: the whole range). */
  limit?: number;
  budget?: ReadBudget;
}

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTES = /"/g;

// One CSV cell (RFC 4180, as csv-stringify writes it: quoted only when it holds a comma, a quote or a line break;
// objects as JSON, absent values empty, booleans 1 or empty).
function cell(v: RowItem[RowField]): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? '1' : '') : JSON.stringify(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(QUOTES, '""')}"` : s;
}

// Fields whose values never need quoting (numbers and hex strings): written without the quote check.
const PLAIN = new Set<RowField>(['height', 'index', 'time', 'nonce', 'txTime', 'txid', 'from', 'blockHash']);

function plain(v: RowItem[RowField]): string {
  return v === undefined ? '' : (v as string | number).toString();
}

/** A page of items as CSV lines (the header line first when `header`), written straight into one string. */
export function csvLines(items: readonly RowItem[], fields: readonly RowField[], header: boolean): string {
  let out = header ? `${fields.map((f) => cell(f)).join(',')}\n` : '';
  const cells = fields.map((f) => (PLAIN.has(f) ? plain : cell));
  const first = fields[0]!;
  const firstCell = cells[0]!;
  for (const it of items) {
    out += firstCell(it[first]);
    for (let i = 1; i < fields.length; i++) out += `,${cells[i]!(it[fields[i]!])}`;
    out += '\n';
  }
  return out;
}

/** A page of items as JSON lines. */
export function ndjsonLines(items: readonly RowItem[]): string {
  let out = '';
  for (const it of items) out += `${JSON.stringify(it)}\n`;
  return out;
}

/**
 * Stream every item of a list (from `cursor`, up to `limit`) as CSV or JSON lines, one index page at a time: at
 * most two pages are held (the one being sent and the next, read ahead while it is formatted), and the one after
 * is read only when the client has taken the last (stream backpressure), so memory stays flat whatever the size. The CSV header line comes first even when there are no rows.
 */
export function exportStream(ctx: ApiContext, list: Lister, req: ExportRequest): Readable {
  const fetch = (cursor: string | undefined, limit: number): Promise<Fetched> => {
    const p = (async (): Promise<Fetched> => {
      const removals = ctx.chain.mainRemovals;
      const page = await list({ limit, ...(cursor === undefined ? {} : { cursor }), ...(req.reverse === true ? { reverse: true } : {}) });
      const dense = denseHeights(page.items);
      const stable = removals === ctx.chain.mainRemovals;
      const need = (r: ItemRef): boolean => needsRecord(r, dense, stable);
      const sparse = page.items.filter(need);
      const read = await ctx.chain.query.records(sparse.map((r) => r.txid));
      // Aligned with the page's refs: undefined where not read.
      const records: Array<TxRecord | undefined> = [];
      let j = 0;
      for (const r of page.items) records.push(need(r) ? read[j++] : undefined);
      return { page, removals, records, dense };
    })();
    // A read-ahead the stream never takes (client gone, page cut short) must not end as an unhandled rejection.
    p.catch(() => undefined);
    return p;
  };
  async function* lines(): AsyncGenerator<string> {
    let left = req.limit ?? Number.POSITIVE_INFINITY;
    let first = true;
    let pending: Promise<Fetched> | undefined = fetch(req.cursor, Math.min(EXPORT_PAGE, left));
    while (pending !== undefined) {
      const fetched: Fetched = await pending;
      const { page, removals, records, dense } = fetched;
      const rest = left - page.items.length;
      // Read ahead: the next page's index entries and rows load (LevelDB's threads) while this one is formatted and sent.
      const ahead: Promise<Fetched> | undefined = page.nextCursor !== undefined && rest > 0 ? fetch(page.nextCursor, Math.min(EXPORT_PAGE, rest)) : undefined;
      const { items, cut } = await resolveRows(ctx, page.items, req.fields, {
        ...(req.budget === undefined ? {} : { budget: req.budget }),
        removals,
        records,
        fromBodies: dense,
      });
      left -= cut ?? page.items.length;
      if (cut === undefined) pending = ahead;
      else {
        const cursor = page.itemCursors?.[cut - 1];
        pending = cursor !== undefined && left > 0 ? fetch(cursor, Math.min(EXPORT_PAGE, left)) : undefined;
      }
      const text = req.format === 'csv' ? csvLines(items, req.fields, first) : ndjsonLines(items);
      first = false;
      if (text !== '') yield text;
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
