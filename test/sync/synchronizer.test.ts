import t from 'tap';
import { Chain } from '../../src/chain/chain.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { P2pErrorCode, p2pError } from '../../src/wire/errors.js';
import { encodeStatus, MAX_HEADERS } from '../../src/sync/messages.js';
import { localStatus, SyncServer } from '../../src/sync/server.js';
import { resolveSyncOptions } from '../../src/sync/options.js';
import type { CborValue } from '../../src/primitives/cbor.js';
import { Actor, CHAIN_ID, mine, NET, tempDir } from '../utils/chain.js';
import { chainIn, serve, syncOver, waitUntil } from './support.js';
import { recordPenalties } from '../utils/penalties.js';

async function grow(chain: Chain, n: number, actor?: Actor): Promise<void> {
  for (let i = 0; i < n; i++) await chain.processBlock(mine(chain, actor === undefined ? [] : [actor.tx()]));
}

t.test('headers-first sync onto a heavier fork (reorg), over an in-memory transport', async (t) => {
  const local = await chainIn(t);
  const remote = await chainIn(t);
  const actor = new Actor();
  // Shared history of 3 blocks, then the local node mines 4 more alone and the remote 12 (with transactions).
  for (let i = 0; i < 3; i++) {
    const b = mine(local);
    await local.processBlock(b);
    await remote.processBlock(b);
  }
  await grow(local, 4);
  await grow(remote, 12, actor);
  const server = new SyncServer(resolveSyncOptions(), { chain: remote, onStatus: () => undefined });
  const penalties: Array<[string, number, string]> = [];
  const asked: string[] = [];
  const sync = syncOver(
    t,
    local,
    { batchSize: 4 },
    {
      request: async (_peer, protocol, message) => {
        asked.push(protocol);
        return serve(server, protocol, message);
      },
      penalise: recordPenalties((peer, points, reason) => void penalties.push([peer, points, reason])),
    },
  );
  sync.peerConnected('remote');
  await waitUntil(() => local.tip.hex === remote.tip.hex);
  t.equal(local.height, 15, 'reorganised onto the heavier branch');
  t.same(penalties, [], 'an honest peer is not penalised');
  t.ok(asked.indexOf('headers') < asked.indexOf('blocks'), 'headers before bodies');
  t.equal(sync.peerHeight('remote'), 15);
  t.same(sync.state(), { progress: 1, syncing: false });
});

t.test('a peer claiming work its headers do not back is penalised and not retried', async (t) => {
  const local = await chainIn(t);
  await grow(local, 2);
  const penalties: Array<[string, number, string]> = [];
  let headerRequests = 0;
  const sync = syncOver(
    t,
    local,
    {},
    {
      request: async (_peer, protocol): Promise<CborValue> => {
        if (protocol === 'status') return encodeStatus({ ...localStatus(local), tip: new Uint8Array(32).fill(9), height: 1_000, work: 1n << 200n });
        headerRequests++;
        return { headers: [] };
      },
      penalise: recordPenalties((peer, points, reason) => void penalties.push([peer, points, reason])),
    },
  );
  sync.peerConnected('liar');
  await waitUntil(() => penalties.length > 0);
  await new Promise((r) => setTimeout(r, 200));
  t.match(penalties, [['liar', 20, /SYNC_FALSE_WORK/]]);
  t.equal(headerRequests, 1, 'not asked again for the same claim');
  await sync.refresh('liar', true);
  await new Promise((r) => setTimeout(r, 100));
  t.equal(headerRequests, 1, 'the same status does not restart a round');
});

t.test('fault 3: headers that arrived before a failed request are kept and their blocks connected', async (t) => {
  const local = await chainIn(t);
  const remote = await chainIn(t);
  await grow(remote, MAX_HEADERS + 50);
  const server = new SyncServer(resolveSyncOptions(), { chain: remote, onStatus: () => undefined });
  const penalties: Array<[string, number, string]> = [];
  let headerRequests = 0;
  const heightAtHeaders: number[] = [];
  const sync = syncOver(
    t,
    local,
    { batchSize: 128 },
    {
      request: async (_peer, protocol, message) => {
        if (protocol === 'headers') {
          heightAtHeaders.push(local.height);
          // The second headers request of the first round fails (a stream reset, say): not the peer's fault.
          if (++headerRequests === 2) throw p2pError(P2pErrorCode.failed, 'headers: stream reset');
        }
        return serve(server, protocol, message);
      },
      penalise: recordPenalties((peer, points, reason) => void penalties.push([peer, points, reason])),
    },
  );
  sync.peerConnected('remote');
  await waitUntil(() => local.tip.hex === remote.tip.hex, 60_000);
  t.equal(heightAtHeaders[2], MAX_HEADERS, 'the next round starts from the blocks of the headers received before the failure');
  t.same(penalties, [], 'no penalty for a failed request');
});

t.test('fault 4: a heavier chain forking deeper than the side-branch bound is not downloaded, and nobody is penalised', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const store = await ChainStore.open({ path: dir.path, chainId: CHAIN_ID });
  const local = await Chain.open({ params: NET, sideBranches: { maxDepth: 3 } }, { store });
  t.teardown(async () => {
    await local.idle();
    await store.close();
  });
  const remote = await chainIn(t);
  await grow(local, 5);
  await grow(remote, 8);
  const server = new SyncServer(resolveSyncOptions(), { chain: remote, onStatus: () => undefined });
  const asked: string[] = [];
  const penalties: Array<[string, number, string]> = [];
  const sync = syncOver(
    t,
    local,
    {},
    {
      request: async (_peer, protocol, message) => {
        asked.push(protocol);
        return serve(server, protocol, message);
      },
      penalise: recordPenalties((peer, points, reason) => void penalties.push([peer, points, reason])),
    },
  );
  sync.peerConnected('remote');
  await waitUntil(() => asked.includes('headers'));
  await new Promise((r) => setTimeout(r, 300));
  t.notOk(asked.includes('blocks'), 'no block of the too-deep branch was requested');
  t.equal(local.height, 5, 'the local chain stays');
  t.equal(local.tree.size, 6, 'nothing stored from the other branch');
  t.same(penalties, [], 'no penalty: the peer is not at fault');
});
