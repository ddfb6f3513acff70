// fast-check input generators for the decoder fuzzing: valid seed encodings of every wire object, mutations of
// them (bit flips, cuts, splices, inserted CBOR heads, nesting around the SPEC 2 limit), random CBOR values and
// plain random bytes.
import * as dagCbor from '@ipld/dag-cbor';
import fc from 'fast-check';
import { generateSecretKey, publicKeyFromSecret } from '../../src/crypto/signature.js';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { buildRecordProof, type RecordProof } from '../../src/consensus/record-proof.js';
import { encodeCompact, toCompact } from '../../src/p2p/compact.js';
import { encodeGetBlockTxn } from '../../src/p2p/relay.js';
import { Block } from '../../src/primitives/block.js';
import { encodeCbor, type CborValue } from '../../src/primitives/cbor.js';
import { BlockHeader } from '../../src/primitives/header.js';
import { encodeMeta } from '../../src/primitives/meta.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { encodeBlocksBytes, encodeGetBlocks, encodeGetHeaders, encodeHeaders, encodeStatus } from '../../src/sync/messages.js';
import { nested, rawTxOfDepth, signedTxBytes } from './depth-targets.js';

const CHAIN = chainId(getNetwork('regtest'));
const SK = generateSecretKey();
const PUBLIC = publicKeyFromSecret(SK);

function tx(nonce: number, payload: CborValue, subject?: string): Transaction {
  return Transaction.sign(
    { chain: CHAIN, nonce, time: 1_700_000_000_000 + nonce, kind: 'fuzz.seed', ...(subject === undefined ? {} : { subject }), payload },
    SK,
  );
}

const seedTxs = [tx(0, null), tx(1, { a: 1, b: [true, 'x', new Uint8Array(3)] }, 'item-1'), tx(2, nested(31)), tx(3, { f: 1.5, n: -7, big: 2 ** 40 })];
const header = new Uint8Array(80);
header[0] = 1;
const seedBlock = new Block(BlockHeader.decode(header), { height: 1, extra: new Uint8Array(4), miner: 'fuzz' }, seedTxs);

/** Valid encodings of each wire object, the starting points of mutation. */
export const SEEDS = {
  tx: seedTxs.map((t) => t.bytes),
  block: [seedBlock.bytes, new Block(seedBlock.header, { height: 2, extra: new Uint8Array(0) }, []).bytes],
  meta: [encodeMeta({ height: 5, extra: new Uint8Array(2), miner: 'm' }), encodeMeta({ height: 0, extra: new Uint8Array(0) })],
  compact: [encodeCompact(toCompact(seedBlock))],
  message: [
    encodeCbor(encodeStatus({ genesis: new Uint8Array(32), tip: new Uint8Array(32).fill(1), height: 9, work: 12345n })),
    encodeCbor(encodeGetHeaders({ locator: [new Uint8Array(32)], max: 2000 })),
    encodeCbor(encodeHeaders([header, header])),
    encodeCbor(encodeGetBlocks({ hashes: [new Uint8Array(32)] })),
    encodeBlocksBytes([seedBlock.bytes, null]),
    encodeCbor(encodeGetBlockTxn({ block: new Uint8Array(32), indexes: [0, 2] })),
    encodeCbor({ txs: seedTxs.map((t) => t.bytes) }),
    encodeCbor({ error: 'RATE_LIMITED', message: 'slow down' }),
  ],
} as const;

/** A record proof for the seed block's second transaction (its header has no real proof of work). */
export const SEED_PROOF: RecordProof = buildRecordProof(seedBlock, 1, { confirmations: 1, network: 'regtest' });

// CBOR heads that stress decoders: indefinite starts, break, float16/32, tags, reserved and simple values.
const ODD_HEADS = [0x9f, 0xbf, 0x5f, 0x7f, 0xff, 0xf9, 0xfa, 0xfb, 0xc6, 0xd8, 0x2a, 0x1c, 0xf7, 0xf8, 0x1b, 0x3b, 0x5b, 0x9b, 0xbb];

const MAP_LEVEL = Buffer.from([0xa1, 0x61, 0x61]);

const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...ODD_HEADS)) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('nest' as const),
    at: fc.nat(),
    levels: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 40 }), weight: 4 },
      { arbitrary: fc.integer({ min: 40, max: 5000 }), weight: 2 },
      { arbitrary: fc.integer({ min: 5000, max: 60_000 }), weight: 1 },
    ),
    head: fc.constantFrom(0x81, 0xa1, 0x9f, 0xc6),
  }),
  fc.record({ op: fc.constant('dup' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 32 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const len = bytes.byteLength;
  const at = len === 0 ? 0 : m.at % (len + 1);
  const b = Buffer.from(bytes);
  switch (m.op) {
    case 'flip':
      if (len > 0) b[at % len]! ^= 1 << m.bit;
      return b;
    case 'set':
      if (len > 0) b[at % len] = m.byte;
      return b;
    case 'insert':
      return Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    case 'delete':
      return Buffer.concat([b.subarray(0, at), b.subarray(at + m.n)]);
    case 'truncate':
      return b.subarray(0, at);
    case 'nest':
      // A map head needs a key: give each level the key "a".
      return Buffer.concat([b.subarray(0, at), m.head === 0xa1 ? Buffer.alloc(3 * m.levels, MAP_LEVEL) : Buffer.alloc(m.levels, m.head), b.subarray(at)]);
    case 'dup':
      return Buffer.concat([b.subarray(0, at + m.n), b.subarray(at, at + m.n), b.subarray(at + m.n)]);
  }
}

/** A seed with 1-4 mutations applied. */
export function mutated(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([s, ms]) => ms.reduce(apply, s));
}

const key = fc.oneof(
  fc.constantFrom(
    'v',
    'sig',
    'from',
    'kind',
    'time',
    'chain',
    'nonce',
    'payload',
    'subject',
    'header',
    'meta',
    'txs',
    'txids',
    'height',
    'extra',
    'miner',
    'blocks',
    'hashes',
    'locator',
    'max',
    'error',
    'message',
    'block',
    'indexes',
    'genesis',
    'tip',
    'work',
  ),
  fc.string({ maxLength: 6 }),
);
const { value: cborValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 40 },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeNat(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 20 }),
    fc.uint8Array({ maxLength: 90 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
}));

/** Random DAG-CBOR values (some nested past 32 levels, most shaped like wire objects' keys), encoded. */
export const randomCbor: fc.Arbitrary<Uint8Array> = fc.oneof(
  cborValue.map((v) => dagCbor.encode(v)),
  fc.integer({ min: 25, max: 40 }).map((d) => dagCbor.encode(nested(d))),
);

/**
 * Transactions with payloads of random shape and a depth around the limit, as encoded by any encoder: one in
 * 32 really signed (signing is slow), the others with a random signature (decoders never check it).
 */
export const signedTxs: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.integer({ min: 0, max: 36 }), cborValue, fc.nat(31), fc.uint8Array({ minLength: 64, maxLength: 64 }))
  .map(([depth, leaf, pick, sig]) => {
    let v = leaf as CborValue;
    for (let i = 0; i < depth; i++) v = [v];
    return pick === 0
      ? signedTxBytes(SK, CHAIN, 0, v)
      : dagCbor.encode({ v: 1, chain: CHAIN, from: PUBLIC, nonce: 0, time: 1_700_000_000_000, kind: 'fuzz', payload: v, sig });
  });

/** Inputs for a decoder of `seeds`' kind: mutations, random CBOR and random bytes. */
export function decoderInputs(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof({ arbitrary: mutated(seeds), weight: 5 }, { arbitrary: randomCbor, weight: 2 }, { arbitrary: fc.uint8Array({ maxLength: 200 }), weight: 1 });
}

/** Transaction inputs: signed ones of any depth, their mutations, random CBOR and bytes. */
export const txInputs: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: signedTxs, weight: 2 },
  { arbitrary: fc.oneof(fc.integer({ min: 30, max: 40 }), fc.integer({ min: 40, max: 60_000 })).map((d) => rawTxOfDepth(SK, CHAIN, d)), weight: 1 },
  { arbitrary: mutated(SEEDS.tx), weight: 5 },
  { arbitrary: randomCbor, weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 200 }), weight: 1 },
);

/** Record proofs: the seed proof with fields replaced by random JSON values or mutated hex, or random JSON. */
export const proofInputs: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(fc.constantFrom(...Object.keys(SEED_PROOF)), fc.jsonValue({ maxDepth: 4 })).map(([k, v]) => ({ ...SEED_PROOF, [k]: v })),
  fc
    .tuple(fc.constantFrom('tx', 'header', 'txid', 'blockHash'), mutation)
    .map(([k, m]) => ({ ...SEED_PROOF, [k]: Buffer.from(apply(Buffer.from(SEED_PROOF[k as 'tx'], 'hex'), m)).toString('hex') })),
  fc
    .tuple(
      fc.integer({ min: -3, max: 1 << 30 }),
      fc.integer({ min: -3, max: 1 << 30 }),
      fc.array(
        fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
        { maxLength: 40 },
      ),
    )
    .map(([leafIndex, treeSize, auditPath]) => ({ ...SEED_PROOF, leafIndex, treeSize, auditPath })),
  fc.jsonValue({ maxDepth: 5 }),
);
