// The consistency checker itself: a healthy database passes; each kind of damage is reported.
import { ClassicLevel } from 'classic-level';
import t, { type Test } from 'tap';
import { checkConsistency } from '../utils/consistency.js';
import { Chain } from '../../src/chain/chain.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { Keys, Prefix, u64be } from '../../src/store/layout.js';
import { Actor, CHAIN_ID, NET, mine, openChain, tempDir } from '../utils/chain.js';

type Raw = ClassicLevel<Uint8Array, Uint8Array>;

/** A chain with a few indexed transactions and a side block; returns what the damage cases need. */
async function build(
  tt: Test,
  path: string,
): Promise<{ actor: Uint8Array; sideHash: Uint8Array; tipHash: Uint8Array; txid: Uint8Array; firstHash: Uint8Array }> {
  const { chain, store } = await openChain(path);
  const a = new Actor();
  const first = mine(chain, [a.tx('doc.certify', 'doc-1'), a.tx('doc.certify', 'doc-2')]);
  await chain.processBlock(first);
  const side = mine(chain, [], chain.tree.get(first.header.prevHash)!, Uint8Array.of(9));
  await chain.processBlock(side);
  const second = mine(chain, [a.tx('metric', 'sensor')]);
  await chain.processBlock(second);
  tt.same((await checkConsistency(chain)).problems, [], 'the fresh database is consistent');
  await store.close();
  return { actor: first.txs[0]!.fields.from, sideHash: side.hash, tipHash: second.hash, txid: second.txs[0]!.txid, firstHash: first.hash };
}

const cases: Array<[string, (raw: Raw, f: Awaited<ReturnType<typeof build>>) => Promise<void>, RegExp]> = [
  ['actor index entry deleted', (raw, f) => raw.del(Keys.actorIndex(f.actor, 1)), /missing actorIndex key/],
  ['extra subject index entry', (raw, f) => raw.put(Keys.subjectIndex('ghost', 1, 5), f.txid), /extra subjectIndex key/],
  ['kind index entry deleted', (raw) => raw.del(Keys.kindGroup('metric', 2)), /missing kindIndex key/],
  ['actor nonce wrong', (raw, f) => raw.put(Keys.actorState(f.actor), u64be(7)), /actorState key .* holds/],
  ['actor nonce deleted', (raw, f) => raw.del(Keys.actorState(f.actor)), /missing actorState key/],
  ['tx location deleted', (raw, f) => raw.del(Keys.tx(f.txid)), /missing tx key/],
  ['tx location pointing elsewhere', (raw, f) => raw.put(Keys.tx(f.txid), new Uint8Array(36)), /tx key .* holds/],
  ['height index deleted', (raw) => raw.del(Keys.height(1)), /missing height key/],
  ['height index above the tip', (raw, f) => raw.put(Keys.height(3), f.sideHash), /extra height key/],
  ['undo data of a main block deleted', (raw, f) => raw.del(Keys.undo(f.firstHash)), /has no undo data/],
  ['undo data for a side block', (raw, f) => raw.put(Keys.undo(f.sideHash), Uint8Array.of(0x80)), /not on the main chain/],
  ['body of a stored block deleted', (raw, f) => raw.del(Keys.body(f.sideHash)), /entry but no body/],
  ['a main-chain block marked invalid', (raw, f) => raw.put(Keys.invalid(f.firstHash), new TextEncoder().encode('BLOCK_BAD_NONCE')), /has an invalid marker/],
  ['key under an unknown prefix', (raw) => raw.put(Uint8Array.of(0x77, 1, 2), Uint8Array.of(1)), /unknown prefix/],
];

for (const [name, damage, expected] of cases) {
  t.test(`reports: ${name}`, async (t) => {
    const dir = await tempDir();
    t.teardown(dir.cleanup);
    const fixture = await build(t, dir.path);
    const raw: Raw = new ClassicLevel<Uint8Array, Uint8Array>(dir.path, { keyEncoding: 'view', valueEncoding: 'view' });
    await raw.open();
    await damage(raw, fixture);
    await raw.close();
    // Open without the start-up depth check, so the damage reaches the checker rather than being refused at open.
    const store = await ChainStore.open({ path: dir.path, chainId: CHAIN_ID });
    let chain: Chain;
    try {
      chain = await Chain.open({ params: NET, checkDepth: 0 }, { store });
    } catch (err) {
      await store.close();
      t.equal((err as { code?: string }).code, 'STORE_CORRUPT', 'refused at open instead');
      return;
    }
    const report = await checkConsistency(chain);
    await store.close();
    t.notOk(report.ok, 'not ok');
    t.match(report.problems.join('\n'), expected, report.problems.join('; '));
  });
}

t.test('problems are capped', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  await build(t, dir.path);
  const raw: Raw = new ClassicLevel<Uint8Array, Uint8Array>(dir.path, { keyEncoding: 'view', valueEncoding: 'view' });
  await raw.open();
  for (let i = 0; i < 20; i++) await raw.put(Uint8Array.of(Prefix.kindIndex, 1, 0x41 + i), Uint8Array.of(i));
  await raw.close();
  const { chain, store } = await openChain(dir.path);
  const report = await checkConsistency(chain, { maxProblems: 5 });
  await store.close();
  t.equal(report.problems.length, 6);
  t.match(report.problems[5], /and 15 more/);
});
