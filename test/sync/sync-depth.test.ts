// SPEC 2 depth rule on the sync path (blocks protocol, over the real SyncServer and Synchronizer with an in-memory
// transport): a block holding a 33-level transaction, served by a peer that stored it, is refused with
// DECODE_TOO_DEEP and its server penalised; a chain of 32-level transactions syncs with no penalty.
import * as dagCbor from '@ipld/dag-cbor';
import t from 'tap';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { resolveSyncOptions } from '../../src/sync/options.js';
import { SyncServer } from '../../src/sync/server.js';
import { CHAIN_ID, mine } from '../utils/chain.js';
import { txOfDepth } from '../reliability/depth-targets.js';
import { chainIn, serve, syncOver, waitUntil } from './support.js';
import { recordPenalties } from '../utils/penalties.js';

// A Transaction object around bytes the decoder refuses, as a dishonest node would hold it.
const Unchecked = Transaction as unknown as new (fields: Transaction['fields'], bytes: Uint8Array) => Transaction;

for (const depth of [32, 33]) {
  t.test(`fault 1: sync (blocks protocol) of a chain holding a ${depth}-level transaction`, async (t) => {
    const local = await chainIn(t);
    const remote = await chainIn(t);
    const sk = generateSecretKey();
    // Five blocks, the third with the nested transaction (really signed over its own body).
    for (let h = 1; h <= 5; h++) {
      const txs: Transaction[] = [];
      if (h === 3) {
        const bytes = txOfDepth(sk, CHAIN_ID, 0, depth);
        txs.push(new Unchecked(dagCbor.decode(bytes) as Transaction['fields'], bytes));
      }
      await remote.processBlock(mine(remote, txs));
    }
    t.equal(remote.height, 5, 'the serving node holds the chain');
    const server = new SyncServer(resolveSyncOptions(), { chain: remote, onStatus: () => undefined });
    const penalties: string[] = [];
    const sync = syncOver(
      t,
      local,
      { batchSize: 2 },
      {
        request: (_peer, protocol, message) => serve(server, protocol, message),
        penalise: recordPenalties((_peer, _points, reason) => void penalties.push(reason)),
      },
    );
    sync.peerConnected('remote');
    if (depth === 32) {
      await waitUntil(() => local.tip.hex === remote.tip.hex, 15_000);
      t.equal(local.height, 5, 'synced');
      t.same(penalties, [], 'the honest server was not penalised');
    } else {
      await waitUntil(() => penalties.length > 0, 15_000);
      t.match(penalties[0], /DECODE_TOO_DEEP/, 'refused with DECODE_TOO_DEEP, the server penalised');
      await new Promise((r) => setTimeout(r, 300));
      t.ok(local.height < 3, `the block was not connected (height ${local.height})`);
    }
  });
}
