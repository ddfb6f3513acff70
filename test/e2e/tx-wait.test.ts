// `tx send --wait n` shows progress (issue 17, item 3): the txid as soon as the node accepts the transaction,
// then one line per confirmation change, on stderr; stdout keeps the single result.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, errorCode, json, runCli, startNode, tempDir } from './support.js';

ensureBuilt();

t.test('tx send --wait prints the txid at once and the confirmations as they arrive', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const pass = join(dir, 'pass.txt');
  writeFileSync(pass, 'pw\n', { mode: 0o600 });
  const key = await runCli(['key', 'generate', 'alice', '--passphrase-file', pass, '--datadir', datadir], { home: dir });
  t.equal(key.code, 0, key.stderr);
  // `tx send` of an audit.login by alice to the node at `url` with the `wait` options (and --json).
  const sendAlice = (url: string, wait: string[], asJson = false): ReturnType<typeof runCli> =>
    runCli(
      [
        'tx',
        'send',
        '--key',
        'alice',
        '--kind',
        'audit.login',
        ...wait,
        '--passphrase-file',
        pass,
        '--network',
        'regtest',
        '--datadir',
        datadir,
        '--api',
        url,
        ...(asJson ? ['--json'] : []),
      ],
      { home: dir },
    );

  await t.test('nothing mines: the txid is printed before the wait times out', async (t) => {
    const node = await startNode(t, { datadir: join(dir, 'idle'), home: dir, mine: false });
    const r = await sendAlice(node.url, ['--wait', '2', '--timeout', '3']);
    t.equal(r.code, 1);
    t.equal(errorCode(r), 'TX_WAIT_TIMEOUT');
    const lines = r.stderr.trim().split('\n');
    t.match(lines[0], /^tx [0-9a-f]{64} accepted; waiting for 2 confirmations$/, 'the txid comes first');
    t.equal(lines[1], '  pending, 0/2 confirmations');
    t.match(lines.at(-1), /^error \[TX_WAIT_TIMEOUT\]: tx [0-9a-f]{64} has 0 of 2 confirmations/);
  });

  await t.test('a mining node: confirmation lines up to n, then the result on stdout', async (t) => {
    const node = await startNode(t, { datadir, home: dir });
    const r = await sendAlice(node.url, ['--wait', '3'], true);
    t.equal(r.code, 0, r.stderr);
    const result = json<{ txid: string; confirmed: { confirmations: number } }>(r);
    const lines = r.stderr.trim().split('\n');
    t.equal(lines[0], `tx ${result.txid} accepted; waiting for 3 confirmations`);
    const counts = lines
      .slice(1)
      .map((l) => /^ {2}(\d)\/3 confirmations \(block \d+ [0-9a-f]{16}\.\.\.\)$|^ {2}pending, 0\/3 confirmations$/.exec(l))
      .map((m) => (m === null ? -1 : Number(m[1] ?? 0)));
    t.notOk(counts.includes(-1), `every progress line is well formed:\n${r.stderr}`);
    t.equal(counts.at(-1), 3, 'the last line reaches 3/3');
    t.same(
      counts,
      [...counts].sort((a, b) => a - b),
      'counts only go up',
    );
    t.ok(result.confirmed.confirmations >= 3);
  });

  await t.test('--wait-final: the txid at once, then finality progress, then the final checkpoint', async (t) => {
    // A single node with no configured witness set witnesses for itself (SPEC 12), so its blocks become final.
    const node = await startNode(t, { datadir: join(dir, 'final'), home: dir });
    const r = await sendAlice(node.url, ['--wait-final', '60'], true);
    t.equal(r.code, 0, r.stderr);
    const result = json<{ txid: string; confirmed: { confirmations: number }; final: { checkpointSize: number; witnesses: string[] } }>(r);
    const lines = r.stderr.trim().split('\n');
    t.equal(lines[0], `tx ${result.txid} accepted; waiting for 1 confirmation`, 'the txid comes first');
    t.ok(result.confirmed.confirmations >= 1, 'mined before finality is awaited');
    t.equal(result.final.witnesses.length, 1, 'signed by the node itself');
    t.ok(result.final.checkpointSize >= 2, `checkpoint of size ${result.final.checkpointSize}`);
    const bad = lines
      .slice(1)
      .filter(
        (l) =>
          !/^ {2}(pending, 0\/1 confirmations|1\/1 confirmations \(block \d+ [0-9a-f]{16}\.\.\.\))$|^waiting for finality: block \d+, latest final block (\d+|none)$/.test(
            l,
          ),
      );
    t.same(bad, [], `every progress line is well formed:\n${r.stderr}`);
    const proof = await runCli(['tx', 'proof', result.txid, '--wait-final', '--api', node.url, '--network', 'regtest', '--datadir', datadir], { home: dir });
    t.equal(proof.code, 0, proof.stderr);
    t.equal(JSON.parse(proof.stdout).version, 2, 'tx proof --wait-final gives the anchored proof');
  });
});
