import type { ClassicLevel } from 'classic-level';
import { fromHex, toHex } from '../util/bytes.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { prefixEnd } from './layout.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;

/** Pagination request: at most `limit` items after `cursor` (opaque, from the previous page). */
export interface PageRequest {
  limit?: number;
  cursor?: string;
  reverse?: boolean;
}

/** A page of index results with the cursor of the next page (absent at the end). */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
  /** The cursor after each item (to resume mid-page when a caller stops early). */
  itemCursors?: string[];
}

/** A request's page size: the default when absent, clamped to 1..max. */
export function pageLimit(req: PageRequest): number {
  return Math.min(Math.max(1, req.limit ?? PAGE_LIMITS.default), PAGE_LIMITS.max);
}

/** The key suffix an opaque page cursor stands for; `STORE_BAD_CURSOR` when it is not hex. */
export function cursorBytes(cursor: string | undefined): Uint8Array | undefined {
  if (cursor === undefined) return undefined;
  try {
    return fromHex(cursor);
  } catch {
    throw new StoreError(StoreErrorCode.badCursor, 'cursor is not valid hex');
  }
}

/** Default and maximum page sizes. */
export const PAGE_LIMITS = { default: 100, max: 1000 } as const;

/**
 * One page of an index (every key under `prefix`), in key order or reversed, starting after the opaque cursor of
 * the previous page; `map` turns each key suffix and value into an item. `bounds` (key suffixes) narrow the range:
 * the iterator seeks to its first key, so a bounded page costs the same wherever it lies in the index.
 */
export async function readPage<T>(
  db: Db,
  prefix: Uint8Array,
  req: PageRequest,
  map: (suffix: Uint8Array, value: Uint8Array) => T,
  bounds: { gte?: Uint8Array; lt?: Uint8Array } = {},
): Promise<Page<T>> {
  const limit = pageLimit(req);
  const range: { gt?: Uint8Array; gte?: Uint8Array; lt?: Uint8Array; lte?: Uint8Array; reverse: boolean; limit: number } = {
    reverse: req.reverse === true,
    limit: limit + 1,
  };
  const after = cursorBytes(req.cursor);
  const full = after === undefined ? undefined : concat(prefix, after);
  const lower = bounds.gte === undefined ? prefix : concat(prefix, bounds.gte);
  const upper = bounds.lt === undefined ? prefixEnd(prefix) : concat(prefix, bounds.lt);
  if (range.reverse) {
    range.gte = lower;
    range.lt = full === undefined || compare(full, upper) > 0 ? upper : full;
  } else {
    range.lt = upper;
    if (full === undefined || compare(full, lower) < 0) range.gte = lower;
    else range.gt = full;
  }
  const items: T[] = [];
  const suffixes: Uint8Array[] = [];
  let last: Uint8Array | undefined;
  let more = false;
  // One read of the whole page (limit + 1 entries) instead of a round trip per entry.
  for (const [k, v] of await db.iterator(range).all()) {
    if (items.length === limit) {
      more = true;
      break;
    }
    const suffix = k.subarray(prefix.byteLength);
    items.push(map(suffix, v));
    suffixes.push(suffix);
    last = suffix;
  }
  // The per-item cursors are needed only when a caller stops mid-page: hex-encoded on first use.
  let itemCursors: string[] | undefined;
  const page: Page<T> = {
    items,
    get itemCursors(): string[] {
      return (itemCursors ??= suffixes.map((x) => toHex(x)));
    },
  };
  if (more && last !== undefined) page.nextCursor = toHex(last);
  return page;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.byteLength - b.byteLength;
}
