// Issue 12, fault 19: mempool.dat round trip and the periodic saver (real files, real signed transactions).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { loadMempool, MempoolSaver, parseMempoolFile, saveMempool } from '../../src/mempool/persist.js';
import { harness, newActor, signedTx } from './support.js';

function dir(t: Test): string {
  const d = mkdtempSync(join(tmpdir(), 'mempool-persist-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

t.test('fault 19: save and load round trip, file kept after loading', async (t) => {
  const path = join(dir(t), 'mempool.dat');
  const { pool } = harness();
  const a = newActor();
  const b = newActor();
  const txs = [signedTx(a, 0), signedTx(a, 1), signedTx(b, 0)];
  for (const r of await pool.addMany(txs)) t.ok(r.ok);
  t.equal(await saveMempool(pool, path), 3);
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  t.same(parseMempoolFile(readFileSync(path)).map(hex).sort(), txs.map((x) => hex(x.bytes)).sort(), 'every pooled encoding, as pooled');
  const fresh = harness().pool;
  const r = await loadMempool(fresh, path, { maxTxBytes: 65536 });
  t.same([r.read, r.accepted], [3, 3]);
  t.equal(fresh.size, 3);
  t.ok(readFileSync(path).length > 0, 'the file stays until the next save replaces it');
  const bad = Buffer.from(readFileSync(path));
  bad[bad.length - 1]! ^= 1;
  t.throws(() => parseMempoolFile(bad), /checksum/);
});

t.test('fault 19: the saver writes a changed pool every interval and on demand', async (t) => {
  const path = join(dir(t), 'mempool.dat');
  const { pool } = harness();
  const saver = new MempoolSaver({ path, intervalMs: 50 }, { mempool: pool });
  saver.start();
  t.teardown(() => saver.stop());
  const a = newActor();
  await pool.addMany([signedTx(a, 0), signedTx(a, 1)]);
  const deadline = Date.now() + 5_000;
  let seen = 0;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      seen = parseMempoolFile(readFileSync(path)).length;
    } catch {
      seen = 0;
    }
    if (seen === 2) break;
  }
  t.equal(seen, 2, 'written within the interval without any stop');
  await pool.addMany([signedTx(a, 2)]);
  t.equal(await saver.save(), 3, 'an explicit save (shutdown, second signal) writes the current pool');
  t.equal(parseMempoolFile(readFileSync(path)).length, 3);
});
