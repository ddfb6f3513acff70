import t from 'tap';
import { fitBlock, Miner } from '../../src/mining/miner.js';
import { loadBackend } from '../../src/mining/loader.js';
import { Block } from '../../src/primitives/block.js';
import { Actor, extend, openChain, tempDir } from '../utils/chain.js';
import type { Transaction } from '../../src/primitives/transaction.js';

t.test('fitBlock keeps a prefix whose block encoding fits', async (t) => {
  const a = new Actor();
  const txs = Array.from({ length: 30 }, () => a.tx('metric', 's', { blob: 'x'.repeat(300) }));
  const perTx = txs[0]!.size + 3;
  const fitted = fitBlock(txs, perTx * 10 + 2, 100);
  t.equal(fitted.length, 10);
  t.same(
    fitted.map((x) => x.fields.nonce),
    [...Array(10).keys()],
  );
  t.equal(fitBlock(txs, 1e9, 7).length, 7, 'maxTxs bounds the count');
});

t.test('the miner mines template transactions on the tip and stops on request', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  t.teardown(() => store.close());
  await extend(chain, 2);
  const a = new Actor();
  let pending: Transaction[] = [a.tx(), a.tx(), a.tx()];
  chain.on('block:connected', ({ block }) => {
    const mined = new Set(block.txs.map((x) => x.txidHex));
    pending = pending.filter((x) => !mined.has(x.txidHex));
  });
  const backend = await loadBackend('auto', { threads: 1 });
  t.teardown(() => backend.close?.());
  const miner = new Miner({ minIntervalMs: 0 }, { chain, mempool: { buildTemplate: () => pending }, backend });
  const mined: Block[] = [];
  miner.on('block', (b) => mined.push(b));
  miner.start();
  const deadline = Date.now() + 20_000;
  while (mined.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await miner.stop();
  t.ok(mined.length >= 2, `mined ${mined.length} blocks`);
  t.equal(mined[0]!.txs.length, 3, 'first block carries the template');
  t.equal(pending.length, 0, 'every template tx is on chain');
  t.equal(chain.tip.header.hashHex, mined[mined.length - 1]!.header.hashHex, 'the last mined block is the tip');
  t.ok(
    mined.every((b) => b.header.time <= Math.floor(Date.now() / 1000)),
    'no block stamped in the future',
  );
  const heightAfterStop = chain.height;
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(chain.height, heightAfterStop, 'no blocks after stop');
  t.notOk(miner.enabled);
});
