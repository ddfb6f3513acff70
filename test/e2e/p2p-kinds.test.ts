// Issue 15 item 5 between real processes: kind schemas are this node's API policy, so gossip and blocks from
// peers are unaffected. Node B knows a kind (lab.*) that node A does not; a payload failing B's schema reaches A
// through A's API, is relayed to B's pool, mined by A, and the block connects on B, which serves it; A is never
// penalised by B. The same transaction submitted to B's API is refused with TX_SCHEMA and its pointer.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { CHAIN_ID, ensureBuilt, nodeFixture, peered, ROOT, TestNode, waitFor } from '../p2p/support.js';

t.test('a payload failing a peer-only schema is gossiped, mined and served', async (t) => {
  await ensureBuilt();
  const { dir, nodes } = await nodeFixture(t, 'p2p-kinds-');
  const config = join(dir.path, 'b-config.json');
  await writeFile(config, JSON.stringify({ kinds: { schemaFiles: [join(ROOT, 'examples', 'kinds', 'lab.json')] } }));
  const a = await TestNode.start({ datadir: join(dir.path, 'a'), mine: false });
  nodes.push(a);
  const b = await TestNode.start({ datadir: join(dir.path, 'b'), mine: false, bootstrap: [a.address], extra: ['--config', config] });
  nodes.push(b);
  await peered([a, b], 1);

  const tx = Transaction.sign({ chain: CHAIN_ID, nonce: 0, time: Date.now(), kind: 'lab.blood', payload: { readings: { hb: 'high' } } }, generateSecretKey());
  const onB = await fetch(`${b.api}/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(tx.bytes) }) });
  t.equal(onB.status, 400);
  t.match(await onB.json(), { error: { code: 'TX_SCHEMA', pointer: '/sample' } });

  await a.submit(tx);
  await waitFor('B to pool the relayed tx', async () => {
    const r = await fetch(`${b.api}/txs/${tx.txidHex}`);
    return r.ok && ((await r.json()) as { status: string }).status === 'pending';
  });
  await a.post('/mining/start', {}, true);
  const mined = await waitFor(
    'B to serve the mined tx',
    async () => {
      const r = await fetch(`${b.api}/txs/${tx.txidHex}`);
      const s = r.ok ? ((await r.json()) as { status: string; block?: { hash: string } }) : undefined;
      return s?.status === 'mined' ? s : undefined;
    },
    60_000,
  );
  await a.post('/mining/stop', {}, true);
  t.ok(mined.block !== undefined, 'mined in a block A found, connected on B');
  const peers = await b.get<{ peers: Array<{ id: string; score: number }> }>('/peers');
  const aId = (await a.self()).id;
  const score = peers.peers.find((p) => p.id === aId)?.score;
  t.ok(score !== undefined && score >= 0, `A still connected to B with a non-negative score (${String(score)}): never penalised`);
  const bans = await b.get<{ peers: unknown[] }>('/peers/bans');
  t.equal(bans.peers.length, 0);
});
