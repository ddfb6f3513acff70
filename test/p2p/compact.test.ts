import t from 'tap';
import { compactLimits, compactRootMatches, completeBlock, decodeCompact, encodeCompact, fillMissing, rebuildFrom, toCompact } from '../../src/p2p/compact.js';
import { encodeCbor } from '../../src/primitives/cbor.js';
import { DecodeError } from '../../src/primitives/errors.js';
import { bytesEqual } from '../../src/util/bytes.js';
import { Actor, mine, openChain, tempDir } from '../utils/chain.js';

t.test('compact block: round trip, rebuild with missing transactions, Merkle check', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  t.teardown(() => store.close());
  const a = new Actor();
  const txs = Array.from({ length: 6 }, (_, i) => a.tx('metric', `dev-${i}`));
  const block = mine(chain, txs);
  const limits = compactLimits(chain.ctx.params.maxBlockBytes);

  const bytes = encodeCompact(toCompact(block));
  t.ok(bytes.byteLength < block.size / 2, 'compact form is much smaller than the block');
  const c = decodeCompact(bytes, limits);
  t.ok(bytesEqual(c.header.hash, block.hash));
  t.equal(c.txids.length, 6);
  t.ok(compactRootMatches(c), 'root commits to meta and txids');

  // The "mempool" holds transactions 0, 2 and 5.
  const pool = new Map([0, 2, 5].map((i) => [txs[i]!.txidHex, txs[i]!]));
  const r = rebuildFrom(c, (id) => pool.get(id));
  t.same(r.missing, [1, 3, 4], 'missing positions reported');
  t.notOk(fillMissing(c, r, [txs[1]!, txs[4]!, txs[3]!]), 'transactions in the wrong places are refused');
  t.notOk(fillMissing(c, r, [txs[1]!]), 'a short reply is refused');
  t.same(r.missing, [1, 3, 4], 'a refused reply changes nothing');
  t.ok(fillMissing(c, r, [txs[1]!, txs[3]!, txs[4]!]));
  const rebuilt = completeBlock(c, r);
  t.ok(bytesEqual(rebuilt.bytes, block.bytes), 'rebuilt block is byte-identical');
  t.equal((await chain.processBlock(rebuilt)).status, 'connected');

  const lying = { ...c, txids: [...c.txids.slice(0, 5), new Uint8Array(32)] };
  t.notOk(compactRootMatches(lying), 'a substituted txid breaks the root');
});

t.test('compact block decode limits', async (t) => {
  const limits = { maxBytes: 2_000, maxTxids: 10 };
  const header = new Uint8Array(80);
  const meta = { height: 1, extra: new Uint8Array(0) };
  const expectDecode = (bytes: Uint8Array, code: string, label: string): void => {
    let got = 'none';
    try {
      decodeCompact(bytes, limits);
    } catch (err) {
      got = err instanceof DecodeError ? err.code : String(err);
    }
    t.equal(got, code, label);
  };
  expectDecode(new Uint8Array(2_001), 'DECODE_OVERSIZED', 'message over the byte limit');
  expectDecode(encodeCbor({ header, meta, txids: Array.from({ length: 11 }, () => new Uint8Array(32)) }), 'DECODE_OVERSIZED', 'too many txids');
  expectDecode(Uint8Array.of(0xff, 0x00, 0x13), 'DECODE_MALFORMED', 'garbage');
  expectDecode(encodeCbor({ header, meta, txids: [new Uint8Array(31)] }), 'DECODE_BAD_VALUE', 'short txid');
  expectDecode(encodeCbor({ header, meta, txids: [], extra: 1 }), 'DECODE_UNKNOWN_FIELD', 'unknown field');
  expectDecode(encodeCbor({ header: new Uint8Array(79), meta, txids: [] }), 'DECODE_BAD_VALUE', 'short header');
});
