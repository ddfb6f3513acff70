// Deeply nested transactions and the three decoding paths a transaction's bytes take (mempool, block, sync),
// shared by the depth tests, the fuzz tests and the long fuzz run. Signed deep transactions are encoded with
// @ipld/dag-cbor directly, since the node's own encoder refuses to build them.
import * as dagCbor from '@ipld/dag-cbor';
import { sha256Concat } from '../../src/crypto/hash.js';
import { publicKeyFromSecret, signHash } from '../../src/crypto/signature.js';
import { ChainNodeError } from '../../src/errors.js';
import { decodeCompact, compactLimits } from '../../src/p2p/compact.js';
import { decodeTxsReply } from '../../src/p2p/relay.js';
import { decodeEnvelope } from '../../src/wire/rpc.js';
import { Block } from '../../src/primitives/block.js';
import { encodeCbor, type CborValue } from '../../src/primitives/cbor.js';
import { Transaction, TX_SIGNING_DOMAIN } from '../../src/primitives/transaction.js';
import { decodeBlocks, encodeBlocksBytes } from '../../src/sync/messages.js';

/** Limits of the regtest network (the ones every path uses). */
export const LIMITS = { maxTxBytes: 64 * 1024, maxBlockBytes: 4 * 1024 * 1024 } as const;

/** `levels` arrays nested in one another around a 0 (levels = 0 gives the scalar 0). Built without recursion. */
export function nested(levels: number): CborValue {
  let v: CborValue = 0;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

/**
 * Bytes of a correctly signed transaction whose payload is `payload`, encoded without the node's depth check.
 * Its depth (SPEC 2) is 1 + the payload's depth.
 */
export function signedTxBytes(sk: Uint8Array, chain: Uint8Array, nonce: number, payload: CborValue, kind = 'depth.test'): Uint8Array {
  const body = { v: 1, chain, from: publicKeyFromSecret(sk), nonce, time: 1_700_000_000_000, kind, payload };
  const sig = signHash(sha256Concat(new TextEncoder().encode(TX_SIGNING_DOMAIN), dagCbor.encode(body)), sk);
  return dagCbor.encode({ ...body, sig });
}

/** A signed transaction of exactly `depth` levels (its payload: depth - 1 nested arrays). */
export function txOfDepth(sk: Uint8Array, chain: Uint8Array, nonce: number, depth: number): Uint8Array {
  return signedTxBytes(sk, chain, nonce, nested(depth - 1));
}

/**
 * A transaction of `depth` levels for depths no recursive encoder survives: the bytes of a transaction with a
 * null payload, with the null replaced by depth - 1 one-element array heads around it (the signature no longer
 * matches, which the depth rule is checked before).
 */
const rawBases = new WeakMap<Uint8Array, Uint8Array>();
export function rawTxOfDepth(sk: Uint8Array, chain: Uint8Array, depth: number): Uint8Array {
  let base = rawBases.get(sk);
  if (base === undefined || !Buffer.from(base).includes(Buffer.from(chain))) {
    base = signedTxBytes(sk, chain, 0, null);
    rawBases.set(sk, base);
  }
  const marker = Uint8Array.of(0x67, ...new TextEncoder().encode('payload'), 0xf6);
  const at = Buffer.from(base).indexOf(Buffer.from(marker));
  if (at < 0) throw new Error('payload entry not found');
  const cut = at + marker.byteLength - 1;
  const out = new Uint8Array(base.byteLength + depth - 1);
  out.set(base.subarray(0, cut), 0);
  out.fill(0x81, cut, cut + depth - 1);
  out.set(base.subarray(cut), cut + depth - 1);
  return out;
}

/** 'ok' or the stable code of a ChainNodeError; anything else thrown is a crash: `CRASH <name>: <message>`. */
export function verdictOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof ChainNodeError) return err.code;
    return `CRASH ${(err as Error)?.name}: ${(err as Error)?.message}`;
  }
}

/** A block (not a valid one: only its encoding matters here) carrying `txs` as they are. */
export function blockBytesWith(txs: Uint8Array[]): Uint8Array {
  return encodeCbor({ header: new Uint8Array(80), meta: { height: 1, extra: new Uint8Array(0) }, txs });
}

/** Verdicts on one transaction's bytes along each path a node decodes transactions through. */
export interface PathVerdicts {
  /** POST /txs, /txs/batch and the tx gossip validator: Transaction.decode with the network's limit. */
  mempool: string;
  /** A block holding it, decoded as the store and the full-block gossip fallback do. */
  block: string;
  /** A blocks-protocol response carrying that block, through the envelope decoder and the block decoder. */
  sync: string;
  /** A getblocktxn reply (compact block relay) carrying it. */
  relay: string;
}

// Frames that fill about 80% of this thread's stack (measured once): the sync path runs that deep, as a node's
// code does when it meets a transaction far down a call chain, so a verdict that depended on the free stack
// would differ between the paths.
let deepFrames: number | undefined;
function probe(n: number): number {
  try {
    return probe(n + 1);
  } catch {
    return n;
  }
}
function descend<T>(n: number, fn: () => T): T {
  return n <= 0 ? fn() : descend(n - 1, fn);
}

/** Run `fn` with only about a fifth of the stack left. */
export function withLittleStack<T>(fn: () => T): T {
  deepFrames ??= Math.floor(probe(0) * 0.8);
  for (;;) {
    try {
      return descend(deepFrames, fn);
    } catch (err) {
      // The descent itself ran out (its frames can be larger than the probe's): go less deep. `fn` reports its
      // own failures as verdicts, so a RangeError out of here is never the decoders'.
      if (!(err instanceof RangeError) || deepFrames < 100) throw err;
      deepFrames = Math.floor(deepFrames * 0.7);
    }
  }
}

function syncVerdict(blockBytes: Uint8Array): string {
  return verdictOf(() => {
    const reply = decodeEnvelope(encodeBlocksBytes([blockBytes]), 'blocks response');
    for (const b of decodeBlocks(reply, 1)) if (b !== null) Block.decode(b, LIMITS);
  });
}

/**
 * The verdict of every path on each of `txs`: the mempool path, a block holding it, a getblocktxn reply, and the
 * sync path (a blocks response), which runs with little stack left (one descent for the whole batch).
 */
export function pathVerdictsBatch(txs: readonly Uint8Array[]): PathVerdicts[] {
  const blocks = txs.map((tx) => blockBytesWith([tx]));
  const sync = withLittleStack(() => blocks.map(syncVerdict));
  return txs.map((tx, i) => ({
    mempool: verdictOf(() => Transaction.decode(tx, { maxBytes: LIMITS.maxTxBytes })),
    block: verdictOf(() => Block.decode(blocks[i]!, LIMITS)),
    sync: sync[i]!,
    relay: verdictOf(() => decodeTxsReply(decodeEnvelope(encodeCbor({ txs: [tx] }), 'getblocktxn response'), 1, LIMITS.maxTxBytes)),
  }));
}

/** The verdict of every path on the same transaction bytes (the sync path with little stack left). */
export function pathVerdicts(tx: Uint8Array): PathVerdicts {
  return pathVerdictsBatch([tx])[0]!;
}

/** True when every path gave the same verdict. */
export function agree(v: PathVerdicts): boolean {
  return v.mempool === v.block && v.block === v.sync && v.sync === v.relay;
}

/** Verdict of the block-topic decoder on a compact block message. */
export function compactVerdict(bytes: Uint8Array): string {
  return verdictOf(() => decodeCompact(bytes, compactLimits(LIMITS.maxBlockBytes)));
}
