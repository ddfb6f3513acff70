import * as dagCbor from '@ipld/dag-cbor';
import { blockWorkFromBits } from '../../src/consensus/work.js';
import { type Block } from '../../src/primitives/block.js';
import { bytesEqual, toHex } from '../../src/util/bytes.js';
import { blockHashToHex } from '../../src/primitives/header.js';
import { type ChainStore } from '../../src/store/chain-store.js';
import { BlockStatus, decodeEntry, type BlockEntry } from '../../src/store/entry.js';
import { DERIVED_PREFIXES, Keys, Prefix, SCHEMA_VERSION, readU32be, u32be, u64be } from '../../src/store/layout.js';
import { encodeTxRecord, indexValue, numericFields, subjectIndexValue } from '../../src/store/query-index.js';
import { leafHash } from '../../src/crypto/merkle.js';
import { appendLeaf, type FrontierEntry } from '../../src/log/tree.js';
import { IdentityReplay } from '../../src/ident/replay.js';
import { type Chain } from '../../src/chain/chain.js';

/** Result of {@link checkConsistency}: `ok` when `problems` is empty. */
export interface ConsistencyReport {
  ok: boolean;
  /** One line per problem found (capped at `maxProblems`, then a count of the rest). */
  problems: string[];
}

/** Options of {@link checkConsistency}. */
export interface ConsistencyOptions {
  /** Most problems listed before the rest are only counted. Default 100. */
  maxProblems?: number;
}

/** Default options of {@link checkConsistency}. */
export const CONSISTENCY_DEFAULTS = { maxProblems: 100 } as const;

type Expected = Map<number, Map<string, string>>;

// Everything the main chain derives: the height index plus every prefix the upgrade rebuilds (one list to extend).
const MAIN_STATE_PREFIXES: readonly number[] = [Prefix.height, ...DERIVED_PREFIXES];
const KNOWN_PREFIXES = new Set<number>(Object.values(Prefix));
const PREFIX_NAMES = new Map<number, string>(Object.entries(Prefix).map(([name, p]) => [p, name]));

class Problems {
  readonly list: string[] = [];
  readonly #max: number;
  #dropped = 0;
  constructor(max: number) {
    this.#max = max;
  }
  add(what: string): void {
    if (this.list.length < this.#max) this.list.push(what);
    else this.#dropped++;
  }
  report(): ConsistencyReport {
    const problems = this.#dropped === 0 ? this.list : [...this.list, `... and ${this.#dropped} more problems`];
    return { ok: problems.length === 0, problems };
  }
}

/**
 * Full consistency check of a chain's database (tests, `--check` tooling, after a crash). Walks the main chain
 * from the stored tip pointer back to genesis through the stored entries, replays every main-chain block body
 * from genesis to recompute what the database should hold (actor next nonces, tx locations, actor, subject and
 * kind index entries, the height index, undo data), then scans every key prefix and reports missing, extra and
 * wrong keys. Also checks the meta keys, that every entry has a body and a stored parent with the right height
 * and cumulative work, that undo data exists exactly for main-chain blocks, that no main-chain block is marked
 * invalid, and that the in-memory block tree agrees with the store. Read-only; run it while nothing else writes.
 */
export async function checkConsistency(chain: Chain, options: ConsistencyOptions = {}): Promise<ConsistencyReport> {
  const store = chain.store;
  const problems = new Problems(options.maxProblems ?? CONSISTENCY_DEFAULTS.maxProblems);
  await checkMeta(store, chain.ctx.chainId, problems);
  const entries = await loadEntries(store, problems);
  const tipHash = await store.getTipHash();
  if (tipHash === undefined) {
    problems.add('no tip pointer');
    return problems.report();
  }
  const main = mainChain(entries, tipHash, chain.ctx.chainId, problems);
  if (main === undefined) return problems.report();
  checkTree(chain, entries, main, problems);
  const bodies = await checkEntries(store, entries, main, problems);
  const expected = await replay(store, main, problems);
  for (const prefix of MAIN_STATE_PREFIXES) await compareKeys(store, prefix, expected.get(prefix) ?? new Map(), problems);
  await checkHeaderLog(store, main, problems);
  await checkUndo(store, main, expected.get(Prefix.undo) ?? new Map(), problems);
  for (const hex of bodies) problems.add(`body ${hex} has no block entry`);
  await checkInvalid(store, entries, main, problems);
  await checkUnknownPrefixes(store, problems);
  return problems.report();
}

async function checkMeta(store: ChainStore, chainId: Uint8Array, problems: Problems): Promise<void> {
  const wanted = new Map([
    [toHex(Keys.schema()), 'schema'],
    [toHex(Keys.chain()), 'chain'],
    [toHex(Keys.tip()), 'tip'],
    [toHex(Keys.logSize()), 'hlog'],
  ]);
  for await (const [k, v] of store.scan(Prefix.meta)) {
    const name = wanted.get(toHex(k));
    if (name === undefined) problems.add(`unexpected meta key ${toHex(k)}`);
    else if (name === 'schema' && (v.byteLength !== 4 || readU32be(v) !== SCHEMA_VERSION)) problems.add(`schema is ${toHex(v)}, expected ${SCHEMA_VERSION}`);
    else if (name === 'chain' && !bytesEqual(v, chainId)) problems.add(`chain id is ${toHex(v)}, expected ${toHex(chainId)}`);
    else if (name === 'tip' && v.byteLength !== 32) problems.add(`tip pointer has ${v.byteLength} bytes`);
    else if (name === 'hlog' && v.byteLength !== 8) problems.add(`header log size has ${v.byteLength} bytes`);
    wanted.delete(toHex(k));
  }
  for (const name of wanted.values()) if (name !== 'tip' && name !== 'hlog') problems.add(`meta key '${name}' is missing`);
}

async function loadEntries(store: ChainStore, problems: Problems): Promise<Map<string, BlockEntry>> {
  const out = new Map<string, BlockEntry>();
  for await (const [k, v] of store.scan(Prefix.entry)) {
    const hash = k.slice(1);
    try {
      if (hash.byteLength !== 32) throw new RangeError(`key has ${hash.byteLength} hash bytes`);
      const e = decodeEntry(hash, v);
      if (!bytesEqual(e.header.hash, hash)) throw new RangeError('header does not hash to the key');
      out.set(toHex(hash), e);
    } catch (err) {
      problems.add(`entry ${toHex(hash)} is unreadable: ${(err as Error).message}`);
    }
  }
  return out;
}

/** Main chain from genesis to the tip, following stored entries back from the tip pointer. */
function mainChain(entries: Map<string, BlockEntry>, tipHash: Uint8Array, chainId: Uint8Array, problems: Problems): BlockEntry[] | undefined {
  const out: BlockEntry[] = [];
  let e = entries.get(toHex(tipHash));
  if (e === undefined) {
    problems.add(`tip pointer ${blockHashToHex(tipHash)} names no stored entry`);
    return undefined;
  }
  for (;;) {
    out.push(e);
    if (e.height === 0) break;
    const parent = entries.get(toHex(e.header.prevHash));
    if (parent === undefined) {
      problems.add(`main-chain block ${e.header.hashHex} at height ${e.height} has no stored parent`);
      return undefined;
    }
    if (parent.height !== e.height - 1) {
      problems.add(`main-chain block ${e.header.hashHex} has height ${e.height}, its parent ${parent.height}`);
      return undefined;
    }
    e = parent;
  }
  out.reverse();
  if (!bytesEqual(out[0]!.hash, chainId)) problems.add(`main chain starts at ${out[0]!.header.hashHex}, not this network's genesis`);
  return out;
}

function checkTree(chain: Chain, entries: Map<string, BlockEntry>, main: BlockEntry[], problems: Problems): void {
  const tip = main[main.length - 1]!;
  if (!bytesEqual(chain.tip.hash, tip.hash)) problems.add(`in-memory tip ${chain.tip.header.hashHex} differs from the stored tip ${tip.header.hashHex}`);
  for (const e of main) {
    const node = chain.tree.atHeight(e.height);
    if (node === undefined || !bytesEqual(node.hash, e.hash)) {
      problems.add(`in-memory main chain differs from the store at height ${e.height}`);
      break;
    }
  }
  if (chain.tree.size !== entries.size) problems.add(`block tree holds ${chain.tree.size} blocks, the store ${entries.size}`);
}

/** Entries: body present, parent stored, height and chain work consistent, main-chain status. Returns bodies without entries. */
async function checkEntries(store: ChainStore, entries: Map<string, BlockEntry>, main: BlockEntry[], problems: Problems): Promise<Set<string>> {
  const orphanBodies = new Set<string>();
  const withBody = new Set<string>();
  for await (const [k] of store.scan(Prefix.body)) {
    const hex = toHex(k.subarray(1));
    if (entries.has(hex)) withBody.add(hex);
    else orphanBodies.add(hex);
  }
  for (const [hex, e] of entries) {
    const name = `block ${e.header.hashHex}`;
    if (!withBody.has(hex)) problems.add(`${name} has an entry but no body`);
    if ((e.status & BlockStatus.haveData) === 0) problems.add(`${name} lacks the haveData flag`);
    let work: bigint;
    try {
      work = blockWorkFromBits(e.header.bits);
    } catch {
      problems.add(`${name} has invalid bits`);
      continue;
    }
    if (e.height === 0) {
      if (e.chainWork !== work) problems.add(`${name} (height 0) has chain work ${e.chainWork}, expected ${work}`);
      continue;
    }
    const parent = entries.get(toHex(e.header.prevHash));
    if (parent === undefined) problems.add(`${name} has no stored parent`);
    else if (parent.height + 1 !== e.height) problems.add(`${name} has height ${e.height}, parent ${parent.height}`);
    else if (parent.chainWork + work !== e.chainWork) problems.add(`${name} has chain work ${e.chainWork}, expected ${parent.chainWork + work}`);
  }
  for (const e of main) {
    if ((e.status & BlockStatus.invalid) !== 0) problems.add(`main-chain block ${e.header.hashHex} is marked invalid`);
    if ((e.status & BlockStatus.validTxs) === 0) problems.add(`main-chain block ${e.header.hashHex} lacks the validTxs flag`);
  }
  return orphanBodies;
}

function expect(expected: Expected, key: Uint8Array, value: Uint8Array): void {
  let m = expected.get(key[0]!);
  if (m === undefined) expected.set(key[0]!, (m = new Map()));
  m.set(toHex(key), toHex(value));
}

/** Replay the main chain's bodies from genesis and build every main-chain key the store should hold. */
async function replay(store: ChainStore, main: BlockEntry[], problems: Problems): Promise<Expected> {
  const expected: Expected = new Map();
  const nonces = new Map<string, [Uint8Array, number]>();
  const identity = new IdentityReplay();
  const q = store.queryOptions;
  const aggregated = new Set(q.aggregateKinds);
  const counts = new Map<string, number>();
  // The ordinal of the next entry under a subject, kind or subject+kind prefix: the entries replayed so far.
  const ordinal = (name: string): number => {
    const n = counts.get(name) ?? 0;
    counts.set(name, n + 1);
    return n;
  };
  for (const e of main) {
    const name = `main-chain block ${e.header.hashHex} (height ${e.height})`;
    expect(expected, Keys.height(e.height), e.hash);
    let block: Block | undefined;
    try {
      block = await store.getBlock(e.hash);
    } catch (err) {
      problems.add(`${name} body does not decode: ${(err as Error).message}`);
    }
    if (block === undefined) {
      problems.add(`${name} body is missing; replay stopped`);
      break;
    }
    if (!bytesEqual(block.hash, e.hash)) problems.add(`${name} body carries header ${block.header.hashHex}`);
    if (block.meta.height !== e.height) problems.add(`${name} meta says height ${block.meta.height}`);
    await identity.apply(block, e.height, (hex) => nonces.get(hex)?.[1] ?? 0);
    const undo = new Map<string, number>();
    // With the query indexes, one kind index entry per kind and block: first ordinal, then position and txid of each.
    const kindEntries = new Map<string, Uint8Array[]>();
    block.txs.forEach((tx, i) => {
      const f = tx.fields;
      const actor = toHex(f.from);
      const slot = nonces.get(actor) ?? [f.from, 0];
      if (!undo.has(actor)) undo.set(actor, slot[1]);
      if (f.nonce !== slot[1]) problems.add(`${name} tx ${i} has nonce ${f.nonce}, the replayed next nonce is ${slot[1]}`);
      slot[1] = f.nonce + 1;
      nonces.set(actor, slot);
      const loc = new Uint8Array(36);
      loc.set(e.hash, 0);
      loc.set(u32be(i), 32);
      expect(expected, Keys.actorIndex(f.from, f.nonce), tx.txid);
      if (!q.enabled) {
        expect(expected, Keys.tx(tx.txid), loc);
        if (f.subject !== undefined) expect(expected, Keys.subjectIndex(f.subject, e.height, i), tx.txid);
        expect(expected, Keys.kindIndex(f.kind, e.height, i), tx.txid);
        return;
      }
      expect(expected, Keys.tx(tx.txid), encodeTxRecord(e.hash, i, tx));
      const kindParts = kindEntries.get(f.kind) ?? [u64be(ordinal(`k${f.kind}`))];
      if (kindEntries.has(f.kind)) ordinal(`k${f.kind}`);
      kindParts.push(u32be(i), tx.txid);
      kindEntries.set(f.kind, kindParts);
      if (f.subject === undefined) return;
      expect(expected, Keys.subjectIndex(f.subject, e.height, i), subjectIndexValue(tx.txid, ordinal(`s${f.subject}`), tx));
      const fields = aggregated.has(f.kind) ? numericFields(f.payload, q.maxAggregateFields) : undefined;
      expect(
        expected,
        Keys.subjectKindIndex(f.subject, f.kind, e.height, i),
        indexValue(tx.txid, ordinal(`b${f.subject.length}:${f.subject}${f.kind}`), fields),
      );
    });
    for (const [kind, parts] of kindEntries) expect(expected, Keys.kindGroup(kind, e.height), Buffer.concat(parts));
    const undoEntries = [...undo].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([a, n]) => `${a}:${n}`);
    expect(expected, Keys.undo(e.hash), new TextEncoder().encode(undoEntries.join(',')));
  }
  for (const [actor, next] of nonces.values()) expect(expected, Keys.actorState(actor), u64be(next));
  for (const [key, value] of identity.rows) expect(expected, Buffer.from(key, 'hex'), Buffer.from(value, 'hex'));
  return expected;
}

async function compareKeys(store: ChainStore, prefix: number, expected: Map<string, string>, problems: Problems): Promise<void> {
  const name = PREFIX_NAMES.get(prefix) ?? `0x${prefix.toString(16)}`;
  const seen = new Set<string>();
  for await (const [k, v] of store.scan(prefix)) {
    const hex = toHex(k);
    const want = expected.get(hex);
    if (want === undefined) problems.add(`extra ${name} key ${hex}`);
    else if (want !== toHex(v)) problems.add(`${name} key ${hex} holds ${toHex(v)}, expected ${want}`);
    seen.add(hex);
  }
  for (const hex of expected.keys()) if (!seen.has(hex)) problems.add(`missing ${name} key ${hex}`);
}

/** Undo data exists for each main-chain block (and no other) and restores the replayed nonces. */
async function checkUndo(store: ChainStore, main: BlockEntry[], expected: Map<string, string>, problems: Problems): Promise<void> {
  const mainHex = new Map(main.map((e) => [toHex(Keys.undo(e.hash)), e]));
  const seen = new Set<string>();
  for await (const [k, v] of store.scan(Prefix.undo)) {
    const hex = toHex(k);
    seen.add(hex);
    const e = mainHex.get(hex);
    if (e === undefined) {
      problems.add(`undo data stored for block ${blockHashToHex(k.subarray(1))}, which is not on the main chain`);
      continue;
    }
    let got: string;
    try {
      const undo = dagCbor.decode(v) as Array<[Uint8Array, number]>;
      got = toHex(
        new TextEncoder().encode(
          undo
            .map(([a, n]) => `${toHex(a)}:${n}`)
            .sort()
            .join(','),
        ),
      );
    } catch (err) {
      problems.add(`undo data of ${e.header.hashHex} does not decode: ${(err as Error).message}`);
      continue;
    }
    if (got !== expected.get(hex)) problems.add(`undo data of main-chain block ${e.header.hashHex} (height ${e.height}) does not match the replayed nonces`);
  }
  for (const [hex, e] of mainHex) if (!seen.has(hex)) problems.add(`main-chain block ${e.header.hashHex} (height ${e.height}) has no undo data`);
}

/** Invalid markers: never on the main chain, and present exactly for stored entries flagged invalid. */
async function checkInvalid(store: ChainStore, entries: Map<string, BlockEntry>, main: BlockEntry[], problems: Problems): Promise<void> {
  const mainSet = new Set(main.map((e) => toHex(e.hash)));
  const marked = new Set<string>();
  for await (const [k] of store.scan(Prefix.invalid)) {
    const hex = toHex(k.subarray(1));
    marked.add(hex);
    if (mainSet.has(hex)) problems.add(`main-chain block ${blockHashToHex(k.subarray(1))} has an invalid marker`);
    const e = entries.get(hex);
    if (e !== undefined && (e.status & BlockStatus.invalid) === 0)
      problems.add(`block ${e.header.hashHex} has an invalid marker but its entry is not flagged invalid`);
  }
  for (const [hex, e] of entries) {
    if ((e.status & BlockStatus.invalid) !== 0 && !marked.has(hex)) problems.add(`block ${e.header.hashHex} is flagged invalid without an invalid marker`);
  }
}

async function checkUnknownPrefixes(store: ChainStore, problems: Problems): Promise<void> {
  for (let p = 0; p < 256; p++) {
    if (KNOWN_PREFIXES.has(p)) continue;
    for await (const [k] of store.scan(p)) problems.add(`key ${toHex(k)} has an unknown prefix`);
  }
}

// The header log holds exactly the stored subtree hashes of the main chain's headers, and its size.
async function checkHeaderLog(store: ChainStore, main: BlockEntry[], problems: Problems): Promise<void> {
  const expected = new Map<string, string>();
  let frontier: FrontierEntry[] = [];
  main.forEach((e, n) => {
    const r = appendLeaf(frontier, leafHash(e.header.bytes), n);
    frontier = r.frontier;
    for (const s of r.stored) expected.set(toHex(Keys.logHash(s.level, s.index)), toHex(s.hash));
  });
  await compareKeys(store, Prefix.logHash, expected, problems);
  const size = await store.getLogSize();
  if (size !== main.length) problems.add(`header log size is ${String(size)}, expected ${main.length}`);
}
