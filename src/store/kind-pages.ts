import type { ClassicLevel } from 'classic-level';
import { toHex } from '../util/bytes.js';
import type { Transaction } from '../primitives/transaction.js';
import { heightPos, prefixEnd, putU32, putU64, readU32be, readU64be, u32be, type Alloc } from './layout.js';
import { cursorBytes, pageLimit, type Page, type PageRequest } from './pages.js';
import type { HeightRange, IndexPosition } from './query-types.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;

// A kind index entry (with the query indexes): ordinal(u64), then position(u32) txid(32) per action; written and
// read only here.
const HEAD = 8;
const ENTRY = 36;

/** The kind index entry of a kind's transactions at `positions` of a block, the first at `ordinal`. */
export function kindGroupValue(ordinal: number, positions: readonly number[], txs: readonly Transaction[], alloc: Alloc): Uint8Array {
  const out = alloc(HEAD + ENTRY * positions.length);
  putU64(out, 0, ordinal);
  let o = HEAD;
  for (const i of positions) {
    putU32(out, o, i);
    out.set(txs[i]!.txid, o + 4);
    o += ENTRY;
  }
  return out;
}

/** Actions in a kind index entry. */
export function groupSize(v: Uint8Array): number {
  return (v.byteLength - HEAD) / ENTRY;
}

/** Ordinal of the first action of a kind index entry. */
export function groupOrdinal(v: Uint8Array): number {
  return readU64be(v, 0);
}

/** Ordinal of the last action of a kind index entry. */
export function groupLastOrdinal(v: Uint8Array): number {
  return readU64be(v, 0) + groupSize(v) - 1;
}

/** Key bounds of the kind index entries (keyed by height) of a height range. */
export function groupBounds(prefix: Uint8Array, range: HeightRange): { gte: Uint8Array; lt: Uint8Array } {
  const gte = range.fromHeight === undefined ? prefix : withHeight(prefix, range.fromHeight);
  const lt = range.toHeight === undefined || range.toHeight >= 0xffff_ffff ? prefixEnd(prefix) : withHeight(prefix, range.toHeight + 1);
  return { gte, lt };
}

function withHeight(prefix: Uint8Array, height: number): Uint8Array {
  const out = new Uint8Array(prefix.byteLength + 4);
  out.set(prefix, 0);
  out.set(u32be(Math.max(0, height)), prefix.byteLength);
  return out;
}

/**
 * One page of a kind's actions (the kind index with the query indexes: one entry per block), in chain order or
 * reversed, after the cursor of the previous page (height and position, as in every other index), within a
 * height range: the iterator seeks to the first block in range, and reads only the entries the page needs.
 */
export async function readKindPage(db: Db, prefix: Uint8Array, req: PageRequest, range: HeightRange): Promise<Page<IndexPosition>> {
  const limit = pageLimit(req);
  const reverse = req.reverse === true;
  // A cursor is a key suffix (height, position), as in the other indexes: a page starts strictly after it (before
  // it, reversed). One of another length compares as bytes would: a shorter one lies before its zero-padded
  // position, a longer one after its first eight bytes.
  let after: { height: number; pos: number; take: boolean } | undefined;
  const c = cursorBytes(req.cursor);
  if (c !== undefined) {
    const at = new Uint8Array(8);
    at.set(c.subarray(0, 8));
    after = { height: readU32be(at, 0), pos: readU32be(at, 4), take: reverse ? c.byteLength > 8 : c.byteLength < 8 };
  }
  const bounds = groupBounds(prefix, range);
  const iterRange: { gte: Uint8Array; lt?: Uint8Array; lte?: Uint8Array; reverse: boolean } = { gte: bounds.gte, lt: bounds.lt, reverse };
  if (after !== undefined) {
    if (reverse) {
      const cut = withHeight(prefix, after.height);
      if (Buffer.compare(cut, bounds.lt) < 0) {
        iterRange.lte = cut;
        delete iterRange.lt;
      }
    } else {
      const from = withHeight(prefix, after.height);
      if (Buffer.compare(from, bounds.gte) > 0) iterRange.gte = from;
    }
  }
  const items: IndexPosition[] = [];
  let more = false;
  const order = Buffer.compare(iterRange.gte, iterRange.lte ?? iterRange.lt!);
  const empty = iterRange.lte === undefined ? order >= 0 : order > 0;
  if (!empty) {
    outer: for await (const [k, v] of db.iterator(iterRange)) {
      const height = readU32be(k, prefix.byteLength);
      const n = groupSize(v);
      for (let j = 0; j < n; j++) {
        const e = reverse ? n - 1 - j : j;
        const o = HEAD + ENTRY * e;
        const pos = readU32be(v, o);
        if (after !== undefined && height === after.height && (reverse ? pos >= after.pos : pos <= after.pos) && !(after.take && pos === after.pos)) continue;
        if (items.length === limit) {
          more = true;
          break outer;
        }
        items.push({ height, index: pos, txid: v.subarray(o + 4, o + ENTRY) });
      }
    }
  }
  let itemCursors: string[] | undefined;
  const page: Page<IndexPosition> = {
    items,
    get itemCursors(): string[] {
      return (itemCursors ??= items.map((it) => toHex(heightPos(it.height, it.index))));
    },
  };
  const last = items[items.length - 1];
  if (more && last !== undefined) page.nextCursor = toHex(heightPos(last.height, last.index));
  return page;
}
