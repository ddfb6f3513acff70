// SPEC 12: a node that learns of a final checkpoint it is not on fetches that branch from its peers, even though
// the branch has less work than its own chain, and adopts it. Real chains and stores on both sides; the sync
// protocols are served by the real SyncServer over an in-memory transport.
import { join } from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import { type Chain } from '../../src/chain/chain.js';
import { merkleRoot } from '../../src/crypto/merkle.js';
import { Finality } from '../../src/finality/finality.js';
import { formatCheckpoint, logOrigin } from '../../src/log/checkpoint.js';
import { parseVerifierKey, randomSeed, signNote, signerFromSeed, type NoteSigner } from '../../src/log/note.js';
import { decodeEnvelope, EncodedReply } from '../../src/wire/rpc.js';
import { toHex } from '../../src/util/bytes.js';
import { resolveSyncOptions } from '../../src/sync/options.js';
import { SyncServer } from '../../src/sync/server.js';
import { Synchronizer, type SyncTransport } from '../../src/sync/synchronizer.js';
import { extend, mine, openChain, tempDir } from '../utils/chain.js';
import { assertConsistent } from '../chain/helpers.js';
import { recordPenalties } from '../utils/penalties.js';

async function chainIn(t: Test): Promise<{ chain: Chain; dir: string }> {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(join(dir.path, 'chain'));
  t.teardown(async () => {
    await chain.idle();
    await store.close();
  });
  return { chain, dir: dir.path };
}

function waitUntil(fn: () => boolean, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = Date.now() + ms;
    const tick = (): void => {
      if (fn()) resolve();
      else if (Date.now() > end) reject(new Error('timed out'));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

function transport(servers: Map<string, SyncServer>, penalties: string[], asked: string[]): SyncTransport {
  return {
    request: async (peer, protocol, message) => {
      asked.push(`${peer}:${protocol}`);
      const reply = await servers.get(peer)!.handle(protocol, message, 'local');
      return reply instanceof EncodedReply ? decodeEnvelope(reply.bytes, protocol) : reply;
    },
    penalise: recordPenalties((peer, points, reason) => void penalties.push(`${peer} ${points} ${reason}`)),
    disconnect: () => undefined,
  };
}

t.test('a node learning of a final checkpoint on a lighter branch it does not store fetches that branch and switches to it', async (t) => {
  const [b, c] = ['wb', 'wc'].map((n) => signerFromSeed(n, randomSeed())) as [NoteSigner, NoteSigner];
  const local = await chainIn(t);
  const minority = await chainIn(t);
  const stale = await chainIn(t);
  // The finalised branch: 3 blocks on genesis, held only by the 'minority' peer.
  for (let i = 0; i < 3; i++) await minority.chain.processBlock(mine(minority.chain, [], minority.chain.tip, Uint8Array.of(5, i)));
  // We are on a heavier branch of 6 blocks; the 'stale' peer on another one of 4 (it has no final branch to give).
  await extend(local.chain, 6);
  for (let i = 0; i < 4; i++) await stale.chain.processBlock(mine(stale.chain, [], stale.chain.tip, Uint8Array.of(6, i)));
  t.ok(local.chain.tip.chainWork > minority.chain.tip.chainWork, 'the final branch has less work than ours');
  const origin = logOrigin(local.chain.ctx.params.name, local.chain.tree.atHeight(0)!.header.hashHex);
  const f = await Finality.open(
    { origin, witnesses: [b, c].map((s) => parseVerifierKey(s.vkey)), threshold: 2, depth: 1, statePath: join(local.dir, 'finality.json') },
    { chain: local.chain },
  );
  const servers = new Map([
    ['stale', new SyncServer(resolveSyncOptions(), { chain: stale.chain, onStatus: () => undefined })],
    ['minority', new SyncServer(resolveSyncOptions(), { chain: minority.chain, onStatus: () => undefined })],
  ]);
  const penalties: string[] = [];
  const asked: string[] = [];
  const sync = new Synchronizer({ batchSize: 2 }, { chain: local.chain, logger: pino({ level: 'silent' }), transport: transport(servers, penalties, asked) });
  t.teardown(() => sync.stop());
  // Wired as the p2p network wires them.
  const fetches: boolean[] = [];
  f.on('missing', (cp) => {
    void sync.fetchFinalBranch(cp).then((ok) => {
      fetches.push(ok);
      if (ok) f.retryPending();
    });
  });
  sync.peerConnected('stale');
  sync.peerConnected('minority');
  await waitUntil(() => sync.peerHeight('stale') !== undefined && sync.peerHeight('minority') !== undefined);
  t.equal(local.chain.height, 6, 'neither peer has more work: no ordinary sync happened');

  const leaves = [0, 1, 2, 3].map((h) => minority.chain.tree.atHeight(h)!.header.bytes);
  const text = formatCheckpoint({ origin, size: 4, root: merkleRoot(leaves), extensions: [] });
  t.equal(await f.addCosignatures(signNote(text, [b, c])), 2);
  await waitUntil(() => f.latestFinal?.size === 4);
  t.equal(local.chain.tip.hex, minority.chain.tip.hex, 'switched to the fetched final branch, with less work');
  t.equal(local.chain.finalNode?.hex, minority.chain.tip.hex, 'its last block is the final block');
  t.same(fetches, [true], 'one fetch, successful');
  t.ok(
    asked.includes('stale:headers') && asked.includes('minority:blocks'),
    'the peer without the branch was asked and skipped; bodies came from the one holding it',
  );
  t.notOk(asked.includes('stale:blocks'), 'no bodies from the peer whose headers do not lead to the checkpoint');
  t.same(penalties, [], 'neither peer penalised (the lighter final branch is served honestly)');
  // The branch we left is refused from now on, even with more work.
  const code = await local.chain.processBlock(mine(local.chain, [], local.chain.tree.atHeight(0)!, Uint8Array.of(9))).then(
    () => 'accepted',
    (err: unknown) => (err as { code: string }).code,
  );
  t.equal(code, 'BLOCK_CONFLICTS_FINAL');
  t.equal(toHex(local.chain.tree.atHeight(3)!.hash), minority.chain.tip.hex);
  await assertConsistent(t, local.chain, 'database consistent after fetching and following the final branch');
});

t.test('no peer holds the final branch: the fetch ends false, bounded, and nobody is penalised', async (t) => {
  const local = await chainIn(t);
  const stale = await chainIn(t);
  await extend(local.chain, 3);
  for (let i = 0; i < 2; i++) await stale.chain.processBlock(mine(stale.chain, [], stale.chain.tip, Uint8Array.of(7, i)));
  const penalties: string[] = [];
  const asked: string[] = [];
  const servers = new Map([['stale', new SyncServer(resolveSyncOptions(), { chain: stale.chain, onStatus: () => undefined })]]);
  const sync = new Synchronizer({}, { chain: local.chain, logger: pino({ level: 'silent' }), transport: transport(servers, penalties, asked) });
  t.teardown(() => sync.stop());
  sync.peerConnected('stale');
  await waitUntil(() => sync.peerHeight('stale') !== undefined);
  const target = { size: 2, root: new Uint8Array(32).fill(1) };
  const [one, two] = [sync.fetchFinalBranch(target), sync.fetchFinalBranch(target)];
  t.equal(one, two, 'a second call while a fetch runs joins it (one fetch at a time)');
  t.equal(await one, false);
  t.equal(local.chain.height, 3, 'nothing changed');
  t.same(penalties, []);
  t.notOk(asked.includes('stale:blocks'), 'no bodies fetched for headers that do not match the checkpoint');
});
