import t from 'tap';
import { Actor, extend, mine, openChain, tempDir } from '../utils/chain.js';
import { toHex } from '../../src/util/bytes.js';
import { verifyRecordProof } from '../../src/consensus/record-proof.js';

t.test('connect, index, prove, reopen', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  let { chain, store } = await openChain(dir.path);
  t.equal(chain.height, 0);
  const a = new Actor();
  const txs = [a.tx('doc.certify', 'doc-1'), a.tx('doc.certify', 'doc-2')];
  const r = await chain.processBlock(mine(chain, txs));
  t.equal(r.status, 'connected');
  t.equal(chain.height, 1);
  t.equal(await store.getNextNonce(txs[0]!.fields.from), 2);
  const page = await store.actionsByActor(txs[0]!.fields.from);
  t.same(
    page.items.map((i) => toHex(i.txid)),
    txs.map((x) => x.txidHex),
  );
  t.equal((await store.actionsBySubject('doc-2')).items.length, 1);
  t.equal((await store.actionsByKind('doc.certify')).items.length, 2);
  await extend(chain, 3);
  const proof = await chain.getRecordProof(txs[1]!.txid);
  t.equal(proof?.confirmations, 4);
  t.ok(verifyRecordProof(proof).valid);
  await store.close();
  ({ chain, store } = await openChain(dir.path));
  t.equal(chain.height, 4);
  t.equal(await store.getNextNonce(txs[0]!.fields.from), 2);
  await store.close();
});
