import { ClassicLevel } from 'classic-level';
import type { Logger } from 'pino';
import { Block, type BlockDecodeOptions } from '../primitives/block.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { decodeEntry, encodeEntry, type BlockEntry } from './entry.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { CountCache } from './count-cache.js';
import { DERIVED_PREFIXES, Keys, Prefix, SCHEMA_VERSION, UPGRADABLE_SCHEMAS, readU32be, readU64be, u32be } from './layout.js';
import { applyBatch } from './level-batch.js';
import { NonceCache } from './nonce-cache.js';
import { readPage, type Page, type PageRequest } from './pages.js';
import { BlockCounters, countOf, describeCounter } from './block-counters.js';
import { QUERY_INDEX_DEFAULTS, type QueryIndexOptions } from './query-index.js';
import { connectIndexOps, disconnectIndexOps } from './index-ops.js';
import { QueryReader } from './query-reader.js';
import { decodeUndo, encodeUndo, type UndoData } from './undo.js';
import { WriteQueue, type BatchOp } from './write-queue.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;

/** Options of the chain store. */
export interface ChainStoreOptions {
  /** Directory of the LevelDB files. */
  path: string;
  /** Genesis hash of the network this database must hold. */
  chainId: Uint8Array;
  /** Decode limits applied when reading bodies back. */
  decode?: BlockDecodeOptions;
  /** LevelDB block cache in bytes. */
  cacheSize?: number;
  /** LevelDB memtable size in bytes: larger means fewer level-0 files and less compaction while syncing. */
  writeBufferSize?: number;
  /** Actors whose next nonce is kept in memory (block connects read them without touching the disk). */
  nonceCacheSize?: number;
  /** Queued write operations past which connects wait for the disk. */
  maxWriteBacklogOps?: number;
  /** Query indexes: counts, subject+kind, rows, aggregated numeric fields (see query-index.ts). */
  query?: Partial<QueryIndexOptions>;
}

/** Dependencies of the chain store. */
export interface ChainStoreDependencies {
  logger?: Logger;
  /** A queued write failed: the in-memory chain is ahead of the disk, so the owner must stop (see WriteQueue). */
  onWriteFailure?: (err: StoreError) => void;
}

/** Default store options. */
export const CHAIN_STORE_DEFAULTS = {
  cacheSize: 32 * 1024 * 1024,
  writeBufferSize: 16 * 1024 * 1024,
  nonceCacheSize: 65_536,
  maxWriteBacklogOps: 50_000,
} as const;

export type { UndoData } from './undo.js';

/** Where a main-chain transaction lives. */
export interface TxLocation {
  blockHash: Uint8Array;
  /** Index among the block's transactions (0-based). */
  index: number;
}

/**
 * The chain database: block entries and bodies for every stored block, plus main-chain state and indexes that
 * change only in one atomic batch per connect or disconnect (see layout.ts).
 */
export class ChainStore {
  readonly path: string;
  readonly #db: Db;
  readonly #options: ChainStoreOptions;
  readonly #log: Logger | undefined;
  readonly #writes: WriteQueue;
  readonly #nonces: NonceCache;
  // Subject/kind counts, kept like nonces: values of unlanded writes are always here, so connects never misread.
  readonly #counts: CountCache;
  /** Options of the query indexes in force. */
  readonly queryOptions: QueryIndexOptions;
  /** Reads of the query indexes (counts, ranges, rows, aggregates). */
  readonly query: QueryReader;
  // Schema of an older database opened for an in-place upgrade (src/chain/upgrade.ts), until it finishes.
  #upgradeFrom: number | undefined;

  private constructor(db: Db, options: ChainStoreOptions, deps: ChainStoreDependencies) {
    this.#db = db;
    this.path = options.path;
    this.#options = options;
    this.#log = deps.logger?.child({ module: 'store' });
    this.#nonces = new NonceCache(options.nonceCacheSize ?? CHAIN_STORE_DEFAULTS.nonceCacheSize);
    this.#counts = new CountCache(options.nonceCacheSize ?? CHAIN_STORE_DEFAULTS.nonceCacheSize);
    this.queryOptions = { ...QUERY_INDEX_DEFAULTS, ...options.query };
    this.query = new QueryReader(db, () => this.#settled());
    this.#writes = new WriteQueue(
      (ops) =>
        applyBatch(db, ops).catch((err: unknown) => {
          const e = new StoreError(StoreErrorCode.writeFailed, `write to the database at ${options.path} failed: ${(err as Error).message}`, err);
          this.#log?.fatal({ err: e.message }, 'database write failed; the node must stop');
          deps.onWriteFailure?.(e);
          throw e;
        }),
      {
        maxBacklogOps: options.maxWriteBacklogOps ?? CHAIN_STORE_DEFAULTS.maxWriteBacklogOps,
        onWritten: (seq) => {
          this.#nonces.landed(seq);
          this.#counts.landed(seq);
        },
      },
    );
  }

  /**
   * Open (creating if needed) the database; refuses a locked, foreign-network, newer-schema or schema-less
   * database. An older schema listed in UPGRADABLE_SCHEMAS opens with {@link upgradeFrom} set: its main-chain
   * indexes must be rebuilt (src/chain/upgrade.ts, run by Chain.open) before anything reads them.
   */
  static async open(options: ChainStoreOptions, deps: ChainStoreDependencies = {}): Promise<ChainStore> {
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(options.path, {
      keyEncoding: 'view',
      valueEncoding: 'view',
      cacheSize: options.cacheSize ?? CHAIN_STORE_DEFAULTS.cacheSize,
      writeBufferSize: options.writeBufferSize ?? CHAIN_STORE_DEFAULTS.writeBufferSize,
    });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new StoreError(StoreErrorCode.locked, `data directory ${options.path} is already in use by another chain-node process`, err);
      }
      throw new StoreError(StoreErrorCode.corrupt, `cannot open database at ${options.path}: ${(err as Error).message}`, err);
    }
    const store = new ChainStore(db, options, deps);
    try {
      await store.#checkIdentity();
    } catch (err) {
      await db.close();
      throw err;
    }
    return store;
  }

  async #checkIdentity(): Promise<void> {
    const schema = await this.#db.get(Keys.schema());
    const chain = await this.#db.get(Keys.chain());
    if (schema === undefined && chain === undefined) {
      await this.#db.batch([
        { type: 'put', key: Keys.schema(), value: u32be(SCHEMA_VERSION) },
        { type: 'put', key: Keys.chain(), value: this.#options.chainId },
      ]);
      return;
    }
    const version = schema === undefined || schema.byteLength !== 4 ? undefined : readU32be(schema);
    if (version === undefined || (version !== SCHEMA_VERSION && !UPGRADABLE_SCHEMAS.includes(version))) {
      throw new StoreError(StoreErrorCode.schema, `database at ${this.path} has schema ${version ?? 'none'}, this build needs ${SCHEMA_VERSION}`);
    }
    if (chain === undefined || !bytesEqual(chain, this.#options.chainId)) {
      throw new StoreError(
        StoreErrorCode.wrongNetwork,
        `database at ${this.path} belongs to another network (genesis ${chain === undefined ? 'unknown' : toHex(chain)})`,
      );
    }
    if (version !== SCHEMA_VERSION) this.#upgradeFrom = version;
  }

  /** Schema of an older database whose indexes still need the in-place upgrade; undefined once current. */
  get upgradeFrom(): number | undefined {
    return this.#upgradeFrom;
  }

  /** Next main-chain height of an upgrade under way (undefined when none has finished clearing the old indexes). */
  async getUpgradeProgress(): Promise<number | undefined> {
    await this.#settled();
    const v = await this.#db.get(Keys.upgrade());
    return v === undefined || v.byteLength !== 8 || readU32be(v) !== SCHEMA_VERSION ? undefined : readU32be(v, 4);
  }

  /** Progress record of an upgrade: the target schema and the next height to index. */
  upgradeProgressOp(nextHeight: number): BatchOp {
    const value = new Uint8Array(8);
    value.set(u32be(SCHEMA_VERSION), 0);
    value.set(u32be(nextHeight), 4);
    return { type: 'put', key: Keys.upgrade(), value };
  }

  /**
   * Delete every key of the derived main-chain indexes (DERIVED_PREFIXES), in batches of at most `batchOps`, then
   * record the upgrade as started at height 0. A crash before that record leaves it to be done again.
   */
  async clearDerivedIndexes(batchOps: number): Promise<void> {
    if (this.#upgradeFrom === undefined) throw new StoreError(StoreErrorCode.schema, `database at ${this.path} is not being upgraded`);
    for (const prefix of DERIVED_PREFIXES) {
      for (;;) {
        await this.#settled();
        const ops: BatchOp[] = [];
        for await (const k of this.#db.keys({ gte: new Uint8Array([prefix]), lt: new Uint8Array([prefix + 1]), limit: batchOps }))
          ops.push({ type: 'del', key: k });
        if (ops.length === 0) break;
        await this.#writes.write(ops);
      }
    }
    await this.#writes.write([this.upgradeProgressOp(0)]);
  }

  /** Finish an upgrade: the current schema key and the end of the progress record, in one batch. */
  async finishUpgrade(): Promise<void> {
    await this.#writes.write([
      { type: 'put', key: Keys.schema(), value: u32be(SCHEMA_VERSION) },
      { type: 'del', key: Keys.upgrade() },
    ]);
    await this.#writes.settled();
    this.#upgradeFrom = undefined;
  }

  /** Close the database. */
  async close(): Promise<void> {
    try {
      await this.#writes.settled();
    } finally {
      await this.#db.close();
    }
  }

  /** Hash of the main-chain tip, or undefined for an empty database. */
  async getTipHash(): Promise<Uint8Array | undefined> {
    await this.#settled();
    return this.#db.get(Keys.tip());
  }

  /** Every stored block entry (used to rebuild the in-memory block tree at start). */
  async *entries(): AsyncGenerator<BlockEntry> {
    await this.#settled();
    for await (const [k, v] of this.#db.iterator({ gte: new Uint8Array([Prefix.entry]), lt: new Uint8Array([Prefix.entry + 1]) })) {
      yield decodeEntry(k.slice(1), v);
    }
  }

  /** One block entry. */
  async getEntry(hash: Uint8Array): Promise<BlockEntry | undefined> {
    await this.#settled();
    const v = await this.#db.get(Keys.entry(hash));
    return v === undefined ? undefined : decodeEntry(hash, v);
  }

  /** Store a new block (entry and body) without connecting it. */
  async putBlock(entry: BlockEntry, block: Block): Promise<void> {
    await this.#writes.write([
      { type: 'put', key: Keys.entry(entry.hash), value: encodeEntry(entry) },
      { type: 'put', key: Keys.body(entry.hash), value: block.bytes },
    ]);
  }

  /**
   * Delete side-chain blocks (entry, body, any undo data) in one atomic batch; invalid markers stay. Callers pass
   * children before their parents, so a crash between two batches leaves every stored entry's parent stored.
   */
  async deleteBlocks(hashes: readonly Uint8Array[]): Promise<void> {
    if (hashes.length === 0) return;
    await this.#writes.write(
      hashes.flatMap((h): BatchOp[] => [
        { type: 'del', key: Keys.entry(h) },
        { type: 'del', key: Keys.body(h) },
        { type: 'del', key: Keys.undo(h) },
      ]),
    );
  }

  /** Update an entry's status (and persist an invalid marker when it is invalid). */
  async putEntry(entry: BlockEntry, invalidCode?: string): Promise<void> {
    const ops: BatchOp[] = [{ type: 'put', key: Keys.entry(entry.hash), value: encodeEntry(entry) }];
    if (invalidCode !== undefined) ops.push({ type: 'put', key: Keys.invalid(entry.hash), value: new TextEncoder().encode(invalidCode) });
    await this.#writes.write(ops);
  }

  /** Remember that a block (with valid proof of work) is invalid. */
  async putInvalid(hash: Uint8Array, code: string): Promise<void> {
    await this.#writes.write([{ type: 'put', key: Keys.invalid(hash), value: new TextEncoder().encode(code) }]);
  }

  /** All persisted invalid block hashes with their codes. */
  async invalidBlocks(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await this.#settled();
    for await (const [k, v] of this.#db.iterator({ gte: new Uint8Array([Prefix.invalid]), lt: new Uint8Array([Prefix.invalid + 1]) })) {
      out.set(toHex(k.subarray(1)), new TextDecoder().decode(v));
    }
    return out;
  }

  /** Raw encoded block. */
  async getBlockBytes(hash: Uint8Array): Promise<Uint8Array | undefined> {
    await this.#settled();
    return this.#db.get(Keys.body(hash));
  }

  /** Raw encoded blocks in one read, in the order given (undefined where missing). */
  async getBlocksBytes(hashes: readonly Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    if (hashes.length === 0) return [];
    await this.#settled();
    return this.#db.getMany(hashes.map((h) => Keys.body(h)));
  }

  /** Decoded block. */
  async getBlock(hash: Uint8Array): Promise<Block | undefined> {
    await this.#settled();
    const bytes = await this.#db.get(Keys.body(hash));
    return bytes === undefined ? undefined : Block.decode(bytes, this.#options.decode);
  }

  /** Main-chain hash at `height`. */
  async getHashAtHeight(height: number): Promise<Uint8Array | undefined> {
    await this.#settled();
    return this.#db.get(Keys.height(height));
  }

  /** Undo data of a connected block. */
  async getUndo(hash: Uint8Array): Promise<UndoData | undefined> {
    await this.#settled();
    const v = await this.#db.get(Keys.undo(hash));
    return v === undefined ? undefined : decodeUndo(v);
  }

  /** An actor's next nonce on the main chain (0 for an unknown actor). */
  async getNextNonce(actor: Uint8Array): Promise<number> {
    return (await this.getNextNonces([actor]))[0]!;
  }

  /**
   * Next nonces of several actors (0 for unknown actors), in the order given. Served from memory for actors
   * seen recently (every connect and disconnect updates the cache), else from the disk in one read. `hexes`, when
   * given, are the actors' hex forms (saves converting them again).
   */
  async getNextNonces(actors: readonly Uint8Array[], hexes?: readonly string[]): Promise<number[]> {
    const out = new Array<number>(actors.length);
    const missing: number[] = [];
    for (let i = 0; i < actors.length; i++) {
      const v = this.#nonces.peek(hexes?.[i] ?? toHex(actors[i]!));
      if (v === undefined) missing.push(i);
      else out[i] = v;
    }
    if (missing.length === 0) return out;
    // Not in memory means no write of these actors is still queued: the disk holds their newest values.
    const generation = this.#nonces.generation;
    const values = await this.#db.getMany(missing.map((i) => Keys.actorState(actors[i]!)));
    const undisturbed = this.#nonces.generation === generation;
    missing.forEach((i, k) => {
      const v = values[k];
      const hex = hexes?.[i] ?? toHex(actors[i]!);
      const disk = v === undefined ? 0 : readU64be(v);
      // A write queued or landed during the read may have changed the value (and its cache entry may already
      // be gone again): then the newest known value wins and the disk value is not cached.
      out[i] = this.#nonces.peek(hex) ?? disk;
      if (undisturbed) this.#nonces.cacheRead(hex, disk);
    });
    return out;
  }

  /** Location of a main-chain transaction. */
  async getTxLocation(txid: Uint8Array): Promise<TxLocation | undefined> {
    await this.#settled();
    const v = await this.#db.get(Keys.tx(txid));
    return v === undefined ? undefined : { blockHash: v.slice(0, 32), index: readU32be(v, 32) };
  }

  /**
   * Connect `block` on top of the current tip in one atomic batch: undo data, height index, tx/actor/subject/kind
   * indexes, actor state, entry status and the tip pointer (and the body itself with `withBody`).
   */
  async writeConnect(
    entry: BlockEntry,
    block: Block,
    undo: UndoData,
    nextNonces: Map<string, [Uint8Array, number]>,
    withBody = false,
    extra: readonly BatchOp[] = [],
  ): Promise<void> {
    const ops: BatchOp[] = [
      ...extra,
      ...(withBody ? [{ type: 'put' as const, key: Keys.body(entry.hash), value: block.bytes }] : []),
      { type: 'put', key: Keys.entry(entry.hash), value: encodeEntry(entry) },
      { type: 'put', key: Keys.undo(entry.hash), value: encodeUndo(undo) },
      { type: 'put', key: Keys.height(entry.height), value: entry.hash },
      { type: 'put', key: Keys.tip(), value: entry.hash },
    ];
    await this.#writeIndexes(entry, block, nextNonces, ops);
  }

  /**
   * Write the main-chain indexes of `block` (already connected at `entry.height`: its entry, undo data, height
   * index and the tip stay as they are) with `extra`, in one atomic batch: the in-place upgrade of an older
   * schema (src/chain/upgrade.ts) replays the main chain through the connect code's index writes with this.
   */
  async writeIndexes(entry: BlockEntry, block: Block, nextNonces: Map<string, [Uint8Array, number]>, extra: readonly BatchOp[] = []): Promise<void> {
    await this.#writeIndexes(entry, block, nextNonces, [...extra]);
  }

  // Adds the tx, actor, subject, kind and subject+kind index writes and actor states of a connect to `ops`, writes them.
  async #writeIndexes(entry: BlockEntry, block: Block, nextNonces: Map<string, [Uint8Array, number]>, ops: BatchOp[]): Promise<void> {
    const q = this.queryOptions;
    // Counts before this block of every subject, kind and subject+kind it touches: the next ordinals.
    const counts = q.enabled ? await this.#counted(block, 1) : undefined;
    connectIndexOps(entry, block, nextNonces, counts, q, ops);
    const written = this.#writes.write(ops);
    const seq = this.#writes.queuedSeq;
    for (const [hex, [, next]] of nextNonces) this.#nonces.queued(hex, next, seq);
    if (counts !== undefined) for (const c of counts.list) this.#counts.queued(c, c.value, seq);
    await written;
  }

  /** Disconnect the tip `block` in one atomic batch, restoring actor state from `undo` and pointing the tip at `parentHash`. */
  async writeDisconnect(entry: BlockEntry, block: Block, undo: UndoData, parentHash: Uint8Array, extra: readonly BatchOp[] = []): Promise<void> {
    const ops: BatchOp[] = [
      ...extra,
      { type: 'del', key: Keys.undo(entry.hash) },
      { type: 'del', key: Keys.height(entry.height) },
      { type: 'put', key: Keys.tip(), value: parentHash },
    ];
    disconnectIndexOps(entry, block, undo, this.queryOptions, ops);
    const counts = this.queryOptions.enabled ? (await this.#counted(block, -1)).list : [];
    const written = this.#writes.write(ops);
    const seq = this.#writes.queuedSeq;
    for (const [actor, prev] of undo) this.#nonces.queued(toHex(actor), prev, seq);
    for (const c of counts) this.#counts.queued(c, c.value, seq);
    await written;
  }

  /** Size of the header log as last written (undefined in a database made before the log existed). */
  async getLogSize(): Promise<number | undefined> {
    await this.#settled();
    const v = await this.#db.get(Keys.logSize());
    return v === undefined ? undefined : readU64be(v);
  }

  /** Stored header-log hashes by (level, index), in one read; throws STORE_CORRUPT when one is missing. */
  async getLogHashes(indexes: readonly { level: number; index: number }[]): Promise<Uint8Array[]> {
    await this.#settled();
    const values = await this.#db.getMany(indexes.map((i) => Keys.logHash(i.level, i.index)));
    return values.map((v, k) => {
      if (v === undefined || v.byteLength !== 32) {
        throw new StoreError(StoreErrorCode.corrupt, `header log hash (${indexes[k]!.level}, ${indexes[k]!.index}) is missing in ${this.path}`);
      }
      return v;
    });
  }

  /** Delete every stored header-log hash and the log size (before rebuilding the log from scratch). */
  async clearLog(): Promise<void> {
    await this.#settled();
    const ops: BatchOp[] = [{ type: 'del', key: Keys.logSize() }];
    for await (const k of this.#db.keys({ gte: new Uint8Array([Prefix.logHash]), lt: new Uint8Array([Prefix.logHash + 1]) })) ops.push({ type: 'del', key: k });
    await this.#writes.write(ops);
  }

  /** Queue a batch of header-log rebuild operations (one atomic write). */
  async writeLogOps(ops: BatchOp[]): Promise<void> {
    await this.#writes.write(ops);
  }

  /** Actions of an actor in nonce order: txids with their nonces. */
  async actionsByActor(actor: Uint8Array, page: PageRequest = {}): Promise<Page<{ nonce: number; txid: Uint8Array }>> {
    return this.#pageOf(Keys.actorIndexPrefix(actor), page, (suffix, v) => ({ nonce: readU64be(suffix), txid: v }));
  }

  /** Actions about a subject in chain order. */
  async actionsBySubject(subject: string, page: PageRequest = {}): Promise<Page<{ height: number; index: number; txid: Uint8Array }>> {
    return this.#pageOf(Keys.subjectIndexPrefix(subject), page, (suffix, v) => ({
      height: readU32be(suffix),
      index: readU32be(suffix, 4),
      txid: v.subarray(0, 32),
    }));
  }

  /** Actions of a kind in chain order. */
  async actionsByKind(kind: string, page: PageRequest = {}): Promise<Page<{ height: number; index: number; txid: Uint8Array }>> {
    if (this.queryOptions.enabled) return this.query.kind(kind, {}, page);
    return this.#pageOf(Keys.kindIndexPrefix(kind), page, (suffix, v) => ({ height: readU32be(suffix), index: readU32be(suffix, 4), txid: v.subarray(0, 32) }));
  }

  /** Raw values of several keys in one read, after every queued write (index modules such as src/ident). */
  async getValues(keys: readonly Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    if (keys.length === 0) return [];
    await this.#settled();
    return this.#db.getMany([...keys]);
  }

  /** Every key/value under a prefix byte (consistency checks and tests). */
  async *scan(prefix: number): AsyncGenerator<[Uint8Array, Uint8Array]> {
    await this.#settled();
    for await (const kv of this.#db.iterator({ gte: new Uint8Array([prefix]), lt: new Uint8Array([prefix + 1]) })) yield kv;
  }

  /** Write everything out and compact the whole database (LevelDB otherwise does this in the background, later). */
  async compact(): Promise<void> {
    await this.#writes.settled();
    await this.#db.compactRange(new Uint8Array([0x00]), new Uint8Array([0xff]));
  }

  /**
   * Counts of the subjects, kinds and subject+kind pairs a block touches: before it (`sign` 1, a connect) or after
   * removing it (`sign` -1, a disconnect of the tip). From the cache, else from the last index entry's ordinal.
   * Connects and disconnects run one at a time (the chain's queue), and values of unlanded writes never leave
   * the cache, so a value missing there is on disk.
   */
  async #counted(block: Block, sign: 1 | -1): Promise<BlockCounters> {
    const out = new BlockCounters(block);
    const missing: Array<Promise<void>> = [];
    for (const c of out.list) {
      const v = this.#counts.get(c);
      if (v !== undefined) c.value = v;
      else missing.push(this.query.lastOrdinal(countOf(c), false).then((o) => void (c.value = o === undefined ? 0 : o + 1)));
    }
    await Promise.all(missing);
    if (sign === -1) {
      for (const c of out.list) {
        c.value -= c.n;
        if (c.value < 0) throw new StoreError(StoreErrorCode.corrupt, `count of ${describeCounter(c)} would go below zero in ${this.path}`);
      }
    }
    return out;
  }

  async #pageOf<T>(prefix: Uint8Array, req: PageRequest, map: (suffix: Uint8Array, value: Uint8Array) => T): Promise<Page<T>> {
    await this.#settled();
    return readPage(this.#db, prefix, req, map);
  }

  /** Resolves when every write queued so far is on disk (LevelDB, not fsynced); rejects after a failed write. */
  async flush(): Promise<void> {
    await this.#writes.settled();
  }

  /** The error of a failed write: the in-memory chain is then ahead of the disk and the node must stop. */
  get writeFailure(): Error | undefined {
    return this.#writes.failure;
  }

  // Reads see every write queued before them; the check is synchronous when nothing is queued.
  async #settled(): Promise<void> {
    if (!this.#writes.idle || this.#writes.failure !== undefined) await this.#writes.settled();
  }

  /** Log helper for callers that want the store's child logger. */
  get logger(): Logger | undefined {
    return this.#log;
  }
}
