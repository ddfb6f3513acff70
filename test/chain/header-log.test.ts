// Header log (SPEC 12): kept in the connect/disconnect batches through reorgs, O(log n) proofs that verify against
// the RFC 6962 root of the main chain's headers, and built on start for a datadir that predates it.
import { ClassicLevel } from 'classic-level';
import t, { type Test } from 'tap';
import { type Chain } from '../../src/chain/chain.js';
import { leafHash, merkleRoot, verifyConsistency, verifyInclusion } from '../../src/crypto/merkle.js';
import { toHex } from '../../src/util/bytes.js';
import { Keys, Prefix } from '../../src/store/layout.js';
import { assertConsistent } from './helpers.js';
import { branch, extend, openChain, tempDir } from '../utils/chain.js';

function mainHeaders(chain: Chain): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let h = 0; h <= chain.height; h++) out.push(chain.tree.atHeight(h)!.header.bytes);
  return out;
}

async function checkProofs(t: Test, chain: Chain): Promise<void> {
  const headers = mainHeaders(chain);
  const log = chain.headerLog;
  t.equal(log.size, headers.length, 'log size = height + 1');
  t.equal(toHex(log.root), toHex(merkleRoot(headers)), 'root = RFC 6962 root of the main headers');
  for (const size of [1, 2, 7, Math.ceil(headers.length / 2), headers.length]) {
    const root = await log.rootAt(size);
    t.equal(toHex(root), toHex(merkleRoot(headers.slice(0, size))), `root at ${size}`);
    for (const index of new Set([0, size - 1, size >> 1])) {
      const p = await log.inclusionProof(index, size);
      t.ok(p.path.length <= Math.ceil(Math.log2(size)), 'path is O(log n)');
      t.ok(verifyInclusion(leafHash(headers[index]!), index, size, p.path, root), `header ${index} in log of ${size}`);
    }
    const full = headers.length;
    const c = await log.consistencyProof(size, full);
    t.ok(verifyConsistency(size, full, root, log.root, c), `consistency ${size} -> ${full}`);
  }
  await t.rejects(log.inclusionProof(0, headers.length + 1), { code: 'LOG_BAD_SIZE' });
  await t.rejects(log.inclusionProof(headers.length, headers.length), { code: 'LOG_BAD_INDEX' });
  await t.rejects(log.consistencyProof(3, 2), { code: 'LOG_BAD_SIZE' });
}

t.test('the log follows the main chain through connects and reorgs', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  t.equal(chain.headerLog.size, 1, 'genesis is leaf 0');
  await extend(chain, 40);
  await checkProofs(t, chain);
  // A heavier side branch from height 30 replaces 10 blocks.
  const fork = chain.tree.atHeight(30)!;
  const side = branch(chain, fork, 13, 9);
  for (const b of side) await chain.processBlock(b, { requested: true });
  t.equal(chain.height, 43);
  t.equal(chain.tree.atHeight(43)!.hex, toHex(side[12]!.hash));
  await checkProofs(t, chain);
  await assertConsistent(t, chain, 'database (with header log) consistent after the reorg');
  await store.close();
  // Reopened: the log is loaded, not rebuilt, and still correct.
  const again = await openChain(dir.path);
  await checkProofs(t, again.chain);
  await again.store.close();
});

t.test('a datadir from before the log gets its log built on start, with progress', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const first = await openChain(dir.path);
  await extend(first.chain, 25);
  await first.store.close();
  // Remove every trace of the log, as a database written by the previous release looks.
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir.path, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const ops: Array<{ type: 'del'; key: Uint8Array }> = [{ type: 'del', key: Keys.logSize() }];
  for await (const k of db.keys({ gte: Uint8Array.of(Prefix.logHash), lt: Uint8Array.of(Prefix.logHash + 1) })) ops.push({ type: 'del', key: k });
  t.ok(ops.length > 26, 'the log was there');
  await db.batch(ops);
  await db.close();
  const progress: Array<{ done: number; total: number }> = [];
  const again = await openChain(dir.path, { onLogBuild: (p) => progress.push(p) });
  t.same(progress.at(-1), { done: 26, total: 26 }, 'progress reported up to the full size');
  await checkProofs(t, again.chain);
  await assertConsistent(t, again.chain, 'rebuilt log consistent');
  await again.store.close();
});

t.test('a log that does not match the chain (written by another build, then reorganised) is rebuilt', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const first = await openChain(dir.path);
  await extend(first.chain, 10);
  await first.store.close();
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir.path, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  await db.put(Keys.logHash(0, 10), new Uint8Array(32));
  // A longer log of another branch left stale hashes above the chain's size.
  await db.put(Keys.logHash(0, 40), new Uint8Array(32));
  await db.put(Keys.logHash(3, 4), new Uint8Array(32));
  await db.close();
  const again = await openChain(dir.path);
  await checkProofs(t, again.chain);
  await assertConsistent(t, again.chain);
  await again.store.close();
});
