import t from 'tap';
import { p2pError, P2pErrorCode } from '../../src/wire/errors.js';
import { Block } from '../../src/primitives/block.js';
import { toHex } from '../../src/util/bytes.js';
import { BlockDownloader, SyncStalledError } from '../../src/sync/downloader.js';
import { extend, openChain, tempDir } from '../utils/chain.js';
import { recordPenalties } from '../utils/penalties.js';

async function blocks(n: number): Promise<Block[]> {
  const dir = await tempDir();
  const { chain, store } = await openChain(dir.path);
  const out = await extend(chain, n);
  await store.close();
  await dir.cleanup();
  return out;
}

const OPTS = { batchSize: 4, window: 16, perPeerRequests: 2, preverifyBlocks: 8 };

t.test('parallel download: in-order connect, lacking peers, timeouts and liars', async (t) => {
  const chain = await blocks(40);
  const byHash = new Map(chain.map((b) => [toHex(b.hash), b]));
  const items = chain.map((b, i) => ({ hash: b.hash, height: i + 1 }));
  const served = new Map<string, number>();
  const penalties: Array<[string, number]> = [];
  const processed: number[] = [];
  const preverified: number[] = [];
  const d = new BlockDownloader(
    { ...OPTS, window: 64 },
    {
      peers: () => ['good', 'partial', 'slow', 'liar'],
      fetch: async (peer, hashes) => {
        served.set(peer, (served.get(peer) ?? 0) + 1);
        if (peer === 'slow') throw p2pError(P2pErrorCode.timeout, 'no response', { penalty: 2 });
        if (peer === 'liar') return hashes.map(() => chain[0]!.bytes);
        // 'partial' lacks everything above height 20 and answers only the first half of long requests.
        if (peer === 'partial') return hashes.slice(0, 2).map((h) => (byHash.get(toHex(h))!.meta.height > 20 ? null : byHash.get(toHex(h))!.bytes));
        return hashes.map((h) => byHash.get(toHex(h))!.bytes);
      },
      penalise: recordPenalties((peer, points) => void penalties.push([peer, points])),
      decode: (bytes) => Block.decode(bytes),
      process: async (block) => {
        processed.push(block.meta.height);
      },
      preverify: async (bs) => {
        for (const b of bs) preverified.push(b.meta.height);
      },
    },
  );
  await d.run(items, new AbortController().signal);
  t.same(
    processed,
    items.map((i) => i.height),
    'every block connected once, in order',
  );
  t.same(
    [...preverified].sort((a, b) => a - b),
    items.map((i) => i.height),
    'every block pre-verified once',
  );
  t.ok((served.get('good') ?? 0) > 0 && (served.get('partial') ?? 0) > 0, 'work spread over peers');
  t.ok((served.get('liar') ?? 0) <= OPTS.perPeerRequests, 'a peer sending unrequested blocks is dropped after its first reply');
  t.same(
    penalties.filter((p) => p[0] === 'liar'),
    [['liar', 50]],
    'and penalised once',
  );
  t.ok(
    penalties.some((p) => p[0] === 'slow' && p[1] === 2),
    'timeouts cost a little',
  );
  t.notOk(
    penalties.some((p) => p[0] === 'partial' || p[0] === 'good'),
    'honest peers are not penalised',
  );
});

t.test('stalls when no peer has a block', async (t) => {
  const chain = await blocks(5);
  const items = chain.map((b, i) => ({ hash: b.hash, height: i + 1 }));
  const d = new BlockDownloader(OPTS, {
    peers: () => ['a'],
    fetch: async (_p, hashes) => hashes.map(() => null),
    penalise: () => undefined,
    decode: (bytes) => Block.decode(bytes),
    process: async () => undefined,
  });
  await t.rejects(d.run(items, new AbortController().signal), SyncStalledError);
});

t.test('a block that fails to connect stops the download', async (t) => {
  const chain = await blocks(8);
  const items = chain.map((b, i) => ({ hash: b.hash, height: i + 1 }));
  const seen: number[] = [];
  const d = new BlockDownloader(OPTS, {
    peers: () => ['a'],
    fetch: async (_p, hashes) => hashes.map((h) => chain.find((b) => toHex(b.hash) === toHex(h))!.bytes),
    penalise: () => undefined,
    decode: (bytes) => Block.decode(bytes),
    process: async (b) => {
      seen.push(b.meta.height);
      if (b.meta.height === 3) throw new Error('BLOCK_BAD_SIGNATURE');
    },
  });
  await t.rejects(d.run(items, new AbortController().signal), /BLOCK_BAD_SIGNATURE/);
  t.same(seen, [1, 2, 3]);
});
