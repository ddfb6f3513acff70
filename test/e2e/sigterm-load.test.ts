// (f) SIGTERM during load: every transaction the API acknowledged is, after a restart on the same data
// directory, either in a block or back in the mempool (saved to <datadir>/mempool.dat on shutdown).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { cleanEnv, ensureBuilt, http, ROOT, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

t.test('acknowledged transactions survive a SIGTERM mid-load', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const node = await startNode(t, { datadir, home: dir });
  const ackedFile = join(dir, 'acked.txt');

  const load = spawn(
    process.execPath,
    [
      'bin/chain-node',
      'load',
      '--network',
      'regtest',
      '--api',
      node.url,
      '--rate',
      '400',
      '--duration',
      '5',
      '--actors',
      '20',
      '--concurrency',
      '16',
      '--acked-out',
      ackedFile,
      '--json',
    ],
    { cwd: ROOT, env: cleanEnv(dir), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let loadOut = '';
  let loadErr = '';
  load.stdout.on('data', (d: Buffer) => (loadOut += d.toString()));
  load.stderr.on('data', (d: Buffer) => (loadErr += d.toString()));
  const loadDone = new Promise<number | null>((res) => load.once('close', (c) => res(c)));
  t.teardown(() => {
    if (load.exitCode === null) load.kill('SIGKILL');
  });

  // Let traffic flow and a block or two include some of it, then stop the node mid-stream.
  await waitFor('load traffic to reach the node', async () => {
    const s = await http(`${node.url}/status`);
    return (s.body.mempool as { count: number }).count >= 50 ? true : undefined;
  });
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(await node.stop('SIGTERM'), 0, 'the node exits cleanly on SIGTERM under load');

  t.equal(await loadDone, 0, `load finishes despite the node going away: ${loadErr}`);
  const summary = JSON.parse(loadOut) as {
    accepted: number;
    duplicate: number;
    failed: number;
    failedByCode: Record<string, number>;
    rejected: number;
    rejectedByCode: Record<string, number>;
  };
  const acked = readFileSync(ackedFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  t.equal(acked.length, summary.accepted + summary.duplicate, 'the acked file lists every acknowledged tx');
  t.ok(acked.length >= 50, `${acked.length} acknowledged before the stop`);
  t.ok(summary.failed > 0, 'requests after the stop failed');
  t.ok((summary.failedByCode.API_UNREACHABLE ?? 0) > 0, 'as API_UNREACHABLE');
  t.equal(summary.rejected, 0, `nothing was rejected (${JSON.stringify(summary.rejectedByCode)})`);
  const savedPool = existsSync(join(datadir, 'mempool.dat'));

  const again = await startNode(t, { datadir, home: dir, mine: false });
  let mined = 0;
  let pending = 0;
  const missing: string[] = [];
  const queue = [...acked];
  const worker = async (): Promise<void> => {
    for (let txid = queue.pop(); txid !== undefined; txid = queue.pop()) {
      const r = await http(`${again.url}/txs/${txid}`);
      if (r.body.status === 'mined') mined++;
      else if (r.body.status === 'pending') pending++;
      else missing.push(txid);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  t.same(missing, [], 'no acknowledged transaction is lost');
  t.equal(mined + pending, acked.length, `${mined} mined, ${pending} back in the mempool`);
  if (pending > 0) t.ok(savedPool, 'pending ones came from mempool.dat');
  t.equal(((await http(`${again.url}/mempool`)).body as { count: number }).count, pending);
  // The file stays until the next save replaces it (a crash right after the restart loses nothing).
  if (savedPool) t.ok(existsSync(join(datadir, 'mempool.dat')), 'the mempool file is kept after loading');
});
