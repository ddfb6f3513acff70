/**
 * Key layout of the chain database (classic-level, binary keys and values). Every key starts with a one-byte
 * prefix; integers in keys are big-endian so LevelDB's byte order is numeric order.
 *
 * | prefix | key                                              | value                                                |
 * |--------|--------------------------------------------------|------------------------------------------------------|
 * | 0x01   | 0x01 'schema'                                    | u32 schema version                                   |
 * | 0x01   | 0x01 'chain'                                     | genesis hash (32): which network this database holds |
 * | 0x01   | 0x01 'tip'                                       | hash of the main-chain tip (32)                      |
 * | 0x01   | 0x01 'upgrade'                                   | index rebuild of an older schema under way: target schema(u32) next height(u32) (src/chain/upgrade.ts) |
 * | 0x10   | 0x10 hash(32)                                    | block entry: header(80) height(u32) status(u8) seq(u32) chainWork(32) |
 * | 0x11   | 0x11 hash(32)                                    | encoded block (DAG-CBOR)                             |
 * | 0x12   | 0x12 hash(32)                                    | undo data of a connected block (DAG-CBOR)            |
 * | 0x01   | 0x01 'hlog'                                      | u64 size of the header log (main-chain height + 1)   |
 * | 0x13   | 0x13 height(u32)                                 | main-chain block hash at that height                 |
 * | 0x14   | 0x14 level(u8) index(u64)                        | header log: hash of a complete subtree (SPEC 12)     |
 * | 0x20   | 0x20 txid(32)                                    | block hash(32) position(u32) of a main-chain tx, then its query row: from(33) nonce(u64) time(u64) len(u8) kind len(u8) subject (len 0: none) |
 * | 0x30   | 0x30 actor(33)                                   | the actor's next nonce (u64)                         |
 * | 0x31   | 0x31 actor(33) nonce(u64)                        | txid: actions by actor, in nonce order               |
 * | 0x32   | 0x32 len(u8) subject height(u32) position(u32)   | txid ordinal(u64) from(33) nonce(u64) time(u64) len(u8) kind: actions by subject, in chain order, with their query rows |
 * | 0x33   | 0x33 len(u8) kind height(u32)                    | ordinal(u64), then position(u32) txid(32) of each action of the kind in the block: actions by kind, in chain order, one entry per kind and block |
 * | 0x33   | 0x33 len(u8) kind height(u32) position(u32)      | txid: the same without the query indexes (one entry per action) |
 * | 0x35   | 0x35 len(u8) subject len(u8) kind height(u32) position(u32) | txid ordinal(u64) fields: by subject and kind |
 * | 0x40   | 0x40 hash(32)                                    | utf8 error code of a block known to be invalid       |
 * | 0x50   | 0x50 key(33)                                     | identity key record (DAG-CBOR, src/ident/records.ts) |
 * | 0x51   | 0x51 root key(33)                                | identity record: keys, rotations, revocation (CBOR)  |
 * | 0x52   | 0x52 hash(32)                                    | identity undo of a main-chain block: prior values    |
 * | 0x53   | 0x53 txid(32)                                    | utf8 code of an id.* action that changed nothing     |
 * | 0x60-67| reserved: webhooks, in their own database `<datadir>/webhooks` (see src/webhooks/hook-store.ts)  |
 *
 * The ordinal of an index entry counts the main-chain entries before it under the same prefix (0, 1, 2, ...), so
 * the last entry gives the exact count and two entries the count between them (a kind entry's ordinal is its first
 * action's: its last one is the ordinal plus its actions less one). `fields` (0x35, aggregated kinds
 * only, else empty) are the finite numeric top-level payload fields: n(u8), then n times len(u8) name f64.
 *
 * Block entries (0x10) and bodies (0x11) exist for every stored block, main chain or not. Everything else
 * describes the main chain only and changes in the one atomic batch of a connect or disconnect. The identity
 * index (0x50-0x57 reserved; README "Identities") changes only in blocks holding `id.rotate` or `id.revoke`.
 */
export const Prefix = {
  meta: 0x01,
  entry: 0x10,
  body: 0x11,
  undo: 0x12,
  height: 0x13,
  logHash: 0x14,
  tx: 0x20,
  actorState: 0x30,
  actorIndex: 0x31,
  subjectIndex: 0x32,
  kindIndex: 0x33,
  subjectKindIndex: 0x35,
  invalid: 0x40,
  identKey: 0x50,
  identity: 0x51,
  identUndo: 0x52,
  identNote: 0x53,
} as const;

/** Current on-disk schema version; a database with a newer one (or none) is refused. */
export const SCHEMA_VERSION = 4;

/**
 * Older schema versions opened and upgraded in place (src/chain/upgrade.ts rebuilds the main-chain indexes from
 * the stored blocks). Schema 1 (releases up to b14179a) had the same blocks, entries, undo data and header log;
 * schema 2 (up to 890651b) differs only in its subject index values (no query row after the ordinal), schema 3
 * (up to 78f6243) only in its kind index (one entry per action instead of one per kind and block).
 */
export const UPGRADABLE_SCHEMAS: readonly number[] = [1, 2, 3];

/**
 * Prefixes of the derived main-chain indexes an upgrade rebuilds from the stored blocks (everything but the
 * meta keys, entries, bodies, undo data, the height index, the header log and invalid markers).
 */
export const DERIVED_PREFIXES: readonly number[] = [
  Prefix.tx,
  Prefix.actorState,
  Prefix.actorIndex,
  Prefix.subjectIndex,
  Prefix.kindIndex,
  Prefix.subjectKindIndex,
  Prefix.identKey,
  Prefix.identity,
  Prefix.identUndo,
  Prefix.identNote,
];

const enc = new TextEncoder();

function withPrefix(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  let n = 1;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  out[0] = prefix;
  let o = 1;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** Where a key or value's bytes come from: a fresh array, or a {@link BatchSlab}. */
export type Alloc = (n: number) => Uint8Array;

const fresh: Alloc = (n) => new Uint8Array(n);

/**
 * Keys and values of one batch carved out of one off-heap buffer. V8 keeps typed arrays of up to 64 bytes inside
 * its heap, and N-API copies each such array out before LevelDB's binding can read it; views of one larger buffer
 * need no copy, and the batch makes one allocation instead of one per key. Past its size it falls back to fresh
 * arrays (still correct, only slower).
 */
export class BatchSlab {
  readonly #buf: Uint8Array;
  #o = 0;

  constructor(bytes: number) {
    this.#buf = new Uint8Array(new ArrayBuffer(Math.max(bytes, 128)));
  }

  /** `n` bytes (zeroed) for one key or value. */
  readonly alloc: Alloc = (n) => {
    // Past the slab: a buffer of its own, still off the V8 heap (ops marked offHeap rely on it).
    if (this.#o + n > this.#buf.byteLength) return new Uint8Array(new ArrayBuffer(n));
    this.#o += n;
    return this.#buf.subarray(this.#o - n, this.#o);
  };

  /** A copy of `bytes` in the slab. */
  copy(bytes: Uint8Array): Uint8Array {
    const out = this.alloc(bytes.byteLength);
    out.set(bytes);
    return out;
  }
}

// Per-transaction keys are built on every connect: one allocation each, integers written in place.
function prefixed(prefix: number, bytes: Uint8Array, extra: number, alloc: Alloc = fresh): Uint8Array {
  const out = alloc(1 + bytes.byteLength + extra);
  out[0] = prefix;
  out.set(bytes, 1);
  return out;
}

/** Write `v` as a big-endian u32 at `out[o..o+4)`. */
export function putU32(out: Uint8Array, o: number, v: number): void {
  out[o] = v >>> 24;
  out[o + 1] = (v >>> 16) & 0xff;
  out[o + 2] = (v >>> 8) & 0xff;
  out[o + 3] = v & 0xff;
}

/** Write a safe integer `v` as a big-endian u64 at `out[o..o+8)` (RangeError otherwise). */
export function putU64(out: Uint8Array, o: number, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${v} is not a u64 safe integer`);
  putU32(out, o, Math.floor(v / 0x1_0000_0000));
  putU32(out, o + 4, v >>> 0);
}

/** Big-endian u32 bytes. */
export function u32be(v: number): Uint8Array {
  const b = new Uint8Array(4);
  putU32(b, 0, v);
  return b;
}

/** Big-endian u64 bytes of a safe integer. */
export function u64be(v: number, alloc: Alloc = fresh): Uint8Array {
  const b = alloc(8);
  putU64(b, 0, v);
  return b;
}

/** Read a big-endian u64 as a safe integer. */
export function readU64be(b: Uint8Array, offset = 0): number {
  return Number(new DataView(b.buffer, b.byteOffset + offset, 8).getBigUint64(0, false));
}

/** Read a big-endian u32. */
export function readU32be(b: Uint8Array, offset = 0): number {
  return new DataView(b.buffer, b.byteOffset + offset, 4).getUint32(0, false);
}

function lenPrefixed(s: string): Uint8Array {
  const bytes = enc.encode(s);
  return withPrefix(bytes.byteLength, bytes);
}

// prefix len(u8) utf8 height(u32) position(u32), in one allocation (ASCII, the usual case, written directly).
// UTF-8 bytes of a string that is not all ASCII (undefined for ASCII: written straight from the string).
function utf8Unless(s: string): Uint8Array | undefined {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return enc.encode(s);
  return undefined;
}

function putText(out: Uint8Array, o: number, s: string, bytes: Uint8Array | undefined): void {
  if (bytes !== undefined) out.set(bytes, o);
  else for (let i = 0; i < s.length; i++) out[o + i] = s.charCodeAt(i);
}

function stringIndexKey(prefix: number, s: string, height: number, pos: number, alloc: Alloc = fresh): Uint8Array {
  let ascii = s.length < 256;
  for (let i = 0; ascii && i < s.length; i++) if (s.charCodeAt(i) >= 0x80) ascii = false;
  if (ascii) {
    const n = s.length;
    const out = alloc(2 + n + 8);
    out[0] = prefix;
    out[1] = n;
    for (let i = 0; i < n; i++) out[2 + i] = s.charCodeAt(i);
    putU32(out, 2 + n, height);
    putU32(out, 6 + n, pos);
    return out;
  }
  const bytes = enc.encode(s);
  const n = bytes.byteLength;
  const out = alloc(2 + n + 8);
  out[0] = prefix;
  out[1] = n;
  out.set(bytes, 2);
  putU32(out, 2 + n, height);
  putU32(out, 6 + n, pos);
  return out;
}

/** Key builders, one per row of the table above. */
export const Keys = {
  schema: (): Uint8Array => withPrefix(Prefix.meta, enc.encode('schema')),
  chain: (): Uint8Array => withPrefix(Prefix.meta, enc.encode('chain')),
  tip: (): Uint8Array => withPrefix(Prefix.meta, enc.encode('tip')),
  upgrade: (): Uint8Array => withPrefix(Prefix.meta, enc.encode('upgrade')),
  entry: (hash: Uint8Array): Uint8Array => prefixed(Prefix.entry, hash, 0),
  body: (hash: Uint8Array): Uint8Array => withPrefix(Prefix.body, hash),
  undo: (hash: Uint8Array): Uint8Array => withPrefix(Prefix.undo, hash),
  height: (height: number): Uint8Array => withPrefix(Prefix.height, u32be(height)),
  logSize: (): Uint8Array => withPrefix(Prefix.meta, enc.encode('hlog')),
  logHash: (level: number, index: number): Uint8Array => withPrefix(Prefix.logHash, Uint8Array.of(level), u64be(index)),
  tx: (txid: Uint8Array, alloc?: Alloc): Uint8Array => prefixed(Prefix.tx, txid, 0, alloc),
  actorState: (actor: Uint8Array, alloc?: Alloc): Uint8Array => prefixed(Prefix.actorState, actor, 0, alloc),
  actorIndex: (actor: Uint8Array, nonce: number, alloc?: Alloc): Uint8Array => {
    const out = prefixed(Prefix.actorIndex, actor, 8, alloc);
    putU64(out, 1 + actor.byteLength, nonce);
    return out;
  },
  actorIndexPrefix: (actor: Uint8Array): Uint8Array => withPrefix(Prefix.actorIndex, actor),
  subjectIndex: (subject: string, height: number, pos: number, alloc?: Alloc): Uint8Array => stringIndexKey(Prefix.subjectIndex, subject, height, pos, alloc),
  subjectIndexPrefix: (subject: string): Uint8Array => withPrefix(Prefix.subjectIndex, lenPrefixed(subject)),
  kindIndex: (kind: string, height: number, pos: number, alloc?: Alloc): Uint8Array => stringIndexKey(Prefix.kindIndex, kind, height, pos, alloc),
  kindIndexPrefix: (kind: string): Uint8Array => withPrefix(Prefix.kindIndex, lenPrefixed(kind)),
  /** The kind index entry of a kind's actions in the block at `height` (with the query indexes). */
  kindGroup: (kind: string, height: number, alloc: Alloc = fresh): Uint8Array => {
    const bytes = utf8Unless(kind);
    const n = bytes?.byteLength ?? kind.length;
    const out = alloc(2 + n + 4);
    out[0] = Prefix.kindIndex;
    out[1] = n;
    putText(out, 2, kind, bytes);
    putU32(out, 2 + n, height);
    return out;
  },
  invalid: (hash: Uint8Array): Uint8Array => withPrefix(Prefix.invalid, hash),
  identKey: (key: Uint8Array): Uint8Array => withPrefix(Prefix.identKey, key),
  identity: (root: Uint8Array): Uint8Array => withPrefix(Prefix.identity, root),
  identUndo: (hash: Uint8Array): Uint8Array => withPrefix(Prefix.identUndo, hash),
  identNote: (txid: Uint8Array): Uint8Array => withPrefix(Prefix.identNote, txid),
  subjectKindIndex: (subject: string, kind: string, height: number, pos: number, alloc: Alloc = fresh): Uint8Array => {
    // Built in one pass (one allocation): prefix, len subject, len kind, height, position.
    const sb = utf8Unless(subject);
    const kb = utf8Unless(kind);
    const sn = sb?.byteLength ?? subject.length;
    const kn = kb?.byteLength ?? kind.length;
    const out = alloc(3 + sn + kn + 8);
    out[0] = Prefix.subjectKindIndex;
    out[1] = sn;
    putText(out, 2, subject, sb);
    out[2 + sn] = kn;
    putText(out, 3 + sn, kind, kb);
    putU32(out, 3 + sn + kn, height);
    putU32(out, 7 + sn + kn, pos);
    return out;
  },
  subjectKindIndexPrefix: (subject: string, kind: string): Uint8Array => withPrefix(Prefix.subjectKindIndex, lenPrefixed(subject), lenPrefixed(kind)),
};

/** height(u32) position(u32): the chain-order suffix of the subject, kind and metric index keys. */
export function heightPos(height: number, pos: number): Uint8Array {
  const out = new Uint8Array(8);
  putU32(out, 0, height);
  putU32(out, 4, pos);
  return out;
}

/** Value of a 0x20 row: block hash(32) then the transaction's position (u32). */
export function encodeTxLocation(blockHash: Uint8Array, index: number, alloc: Alloc = fresh): Uint8Array {
  const out = alloc(blockHash.byteLength + 4);
  out.set(blockHash, 0);
  putU32(out, blockHash.byteLength, index);
  return out;
}

/** Smallest key greater than every key that starts with `prefix` (for range upper bounds). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const out = Uint8Array.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]!++;
      return out.subarray(0, i + 1);
    }
  }
  return new Uint8Array([0xff, 0xff, 0xff, 0xff]);
}
