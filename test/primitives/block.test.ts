import t from 'tap';
import * as dagCbor from '@ipld/dag-cbor';
import { Block } from '../../src/primitives/block.js';
import { BlockHeader } from '../../src/primitives/header.js';
import { decodeMeta, encodeMeta } from '../../src/primitives/meta.js';
import { merkleRoot } from '../../src/crypto/merkle.js';
import { encodeCbor, type CborMap } from '../../src/primitives/cbor.js';
import { toHex } from '../../src/util/bytes.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { makeTx } from './support.js';

function makeBlock(n: number): Block {
  const sk = generateSecretKey();
  const txs = Array.from({ length: n }, (_, i) => makeTx(sk, { nonce: i }));
  const meta = { height: 7, miner: 'tester', extra: new Uint8Array([1, 2, 3]) };
  const draft = new Block(
    BlockHeader.from({ version: 1, prevHash: new Uint8Array(32).fill(1), merkleRoot: new Uint8Array(32), time: 1, bits: 0x207fffff, nonce: 0 }),
    meta,
    txs,
  );
  return new Block(draft.header.with({ merkleRoot: draft.computeMerkleRoot() }), meta, txs);
}

t.test('block round trip; merkle root covers [meta, ...txs] (SPEC 5)', async (t) => {
  const b = makeBlock(5);
  const back = Block.decode(b.bytes);
  t.equal(back.header.hashHex, b.header.hashHex);
  t.same(back.meta, b.meta);
  t.same(
    back.txs.map((x) => x.txidHex),
    b.txs.map((x) => x.txidHex),
  );
  t.equal(toHex(back.computeMerkleRoot()), toHex(merkleRoot([encodeMeta(b.meta), ...b.txs.map((x) => x.bytes)])));
  t.equal(toHex(back.header.merkleRoot), toHex(back.computeMerkleRoot()));
  t.equal(back.size, b.bytes.byteLength);
});

t.test('empty block: root is the meta leaf hash', async (t) => {
  const b = makeBlock(0);
  t.equal(toHex(b.computeMerkleRoot()), toHex(merkleRoot([encodeMeta(b.meta)])));
});

t.test('meta bounds and strictness', async (t) => {
  t.same(decodeMeta(encodeMeta({ height: 1, extra: new Uint8Array(0) })), { height: 1, extra: new Uint8Array(0) });
  t.throws(() => encodeMeta({ height: 1, extra: new Uint8Array(33) }), { code: 'DECODE_OVERSIZED' });
  t.throws(() => encodeMeta({ height: 1, miner: 'm'.repeat(65), extra: new Uint8Array(0) }), { code: 'DECODE_OVERSIZED' });
  t.throws(() => decodeMeta(dagCbor.encode({ height: 1, extra: new Uint8Array(0), x: 1 })), { code: 'DECODE_UNKNOWN_FIELD' });
  t.throws(() => decodeMeta(dagCbor.encode({ extra: new Uint8Array(0) })), { code: 'DECODE_MISSING_FIELD' });
});

t.test('malformed blocks are rejected with codes', async (t) => {
  const b = makeBlock(2);
  const m = dagCbor.decode(b.bytes) as CborMap;
  const cases: [string, CborMap, string][] = [
    ['header 79 bytes', { ...m, header: new Uint8Array(79) }, 'DECODE_BAD_VALUE'],
    ['txs not array', { ...m, txs: 5 }, 'DECODE_WRONG_TYPE'],
    ['tx not bytes', { ...m, txs: [1] }, 'DECODE_WRONG_TYPE'],
    ['tx garbage', { ...m, txs: [new Uint8Array([0xff])] }, 'DECODE_MALFORMED'],
    ['extra key', { ...m, more: 1 }, 'DECODE_UNKNOWN_FIELD'],
    ['meta missing', { header: m.header!, txs: m.txs! }, 'DECODE_MISSING_FIELD'],
  ];
  for (const [name, value, code] of cases) t.throws(() => Block.decode(encodeCbor(value)), { code }, name);
  t.throws(() => Block.decode(b.bytes, { maxBlockBytes: b.size - 1 }), { code: 'DECODE_OVERSIZED' });
  t.throws(() => Block.decode(b.bytes, { maxTxBytes: 10 }), { code: 'DECODE_OVERSIZED' });
});
