// Issue 16 item 7: `chain-node watch --subject X --ndjson` follows the event stream of a real node process, and
// when the node restarts (same API address) it reconnects with Last-Event-ID: every matching record is printed
// exactly once, records mined while it was away included, nothing else.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { CHAIN_ID } from '../p2p/support.js';
import { cleanEnv, ensureBuilt, freePort, http, ROOT, startNode, tempDir, waitFor, type NodeProcess } from './support.js';

ensureBuilt();

const sk = generateSecretKey();
let nonce = 0;
const sign = (subject: string): Transaction =>
  Transaction.sign({ chain: CHAIN_ID, nonce: nonce++, time: Date.now(), kind: 'metric', subject, payload: { n: nonce } }, sk);

async function submit(node: NodeProcess, txs: Transaction[]): Promise<void> {
  for (const tx of txs) {
    const r = await http(`${node.url}/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(tx.bytes) }) });
    if (r.status >= 300) throw new Error(`submit failed: ${JSON.stringify(r.body)}`);
  }
}

t.test('watch prints every matching record once across a node restart', async (t) => {
  const dir = tempDir(t, 'watch-e2e-');
  const datadir = join(dir, 'node');
  const port = await freePort();
  const args = ['--api-port', String(port)];
  let node = await startNode(t, { datadir, home: dir, args });
  const watch = spawn(process.execPath, ['bin/chain-node', 'watch', '--subject', 'item-1', '--ndjson', '--api', node.url], {
    cwd: ROOT,
    env: cleanEnv(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  watch.stdout.on('data', (d: Buffer) => (out += d.toString()));
  watch.stderr.on('data', (d: Buffer) => (err += d.toString()));
  t.teardown(() => void watch.kill('SIGKILL'));
  const printed = (): Array<{ event: string; id: string; tx: { txid: string; subject: string } }> =>
    out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as never);
  // Give the stream time to open before the first records.
  await new Promise((r) => setTimeout(r, 1_500));

  const want: string[] = [];
  const first = [sign('item-1'), sign('item-2'), sign('item-1')];
  await submit(node, first);
  want.push(first[0]!.txidHex, first[2]!.txidHex);
  await waitFor('two records printed', async () => (printed().length >= 2 ? true : undefined), 60_000);

  await node.stop('SIGTERM');
  await waitFor('watch notices', async () => (/disconnected/.test(err) ? true : undefined), 20_000);
  node = await startNode(t, { datadir, home: dir, args });
  const second = [sign('item-1'), sign('item-3'), sign('item-1')];
  await submit(node, second);
  want.push(second[0]!.txidHex, second[2]!.txidHex);
  await waitFor('four records printed', async () => (printed().length >= 4 ? true : undefined), 60_000);
  await new Promise((r) => setTimeout(r, 2_000));
  const records = printed().filter((e) => e.event === 'record');
  t.same(records.map((r) => r.tx.txid).sort(), [...want].sort(), 'every matching record, once, nothing else');
  t.ok(
    records.every((r) => /^\d+-[0-9a-f]{64}$/.test(r.id)),
    'each line carries its event id',
  );
  t.match(err, /reconnected; resuming from the last event/);
  watch.kill('SIGINT');
  const code = await new Promise<number | null>((r) => watch.once('exit', (c) => r(c)));
  t.equal(code, 0, 'Ctrl-C ends it cleanly');
});
