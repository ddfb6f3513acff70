// Logs on a terminal (issue 17, item 7): one line per event, the URL banner once, skip messages that say what
// to do. `--log-pretty always` gives the terminal format without a terminal.
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, http, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

t.test('pretty logs: one line per event, banner once', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, {
    datadir: join(dir, 'regtest'),
    home: dir,
    args: ['--api-port', '0', '--log-pretty', 'always'],
    env: { CHAIN_NODE_LOG_LEVEL: 'info' },
  });
  await waitFor('height 3', async () => (((await http(`${node.url}/status`)).body.height as number) >= 3 ? true : undefined));
  await waitFor('the mined-block lines', async () => ((node.stdout().match(/mined block/g) ?? []).length >= 3 ? true : undefined), 10_000);
  t.equal(await node.stop(), 0);
  const lines = node.stdout().trimEnd().split('\n');
  const bad = lines.filter((l) => !/^\[\d\d:\d\d:\d\d\.\d{3}\] (TRACE|DEBUG|INFO|WARN|ERROR|FATAL): /.test(l));
  t.same(bad, [], 'every stdout line is a whole event (no continuation lines)');
  const mined = lines.filter((l) => l.includes('mined block'));
  t.ok(mined.length >= 3);
  for (const l of mined) t.match(l, /INFO: miner: mined block \{"height":\d+,"hash":"[0-9a-f]{64}","txs":\d+\}$/);
  const skipped = lines.filter((l) => l.includes('not used:'));
  for (const l of skipped) {
    t.match(l, /INFO: node: mining backend (cuda|native-cpu) not used: /);
    t.notMatch(l, /cudaGetDeviceCount|Cannot find module/, 'what to do, not the loader error');
  }
  t.equal((node.stderr().match(/ API {6}http:\/\//g) ?? []).length, 1, 'the URL banner is printed once');
  t.match(
    node.stderr(),
    /^chain-node \S+ on regtest \(data: .+\)\n( {2}explorer http:\/\/127\.0\.0\.1:\d+\/\n)? {2}API {6}http:\/\/127\.0\.0\.1:\d+\/status\n/m,
  );
});

t.test('a node that does not mine logs a periodic one-line status', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, {
    datadir: join(dir, 'regtest'),
    home: dir,
    mine: false,
    args: ['--api-port', '0', '--status-interval', '1'],
    env: { CHAIN_NODE_LOG_LEVEL: 'info' },
  });
  const statusLines = (): Array<Record<string, unknown>> =>
    node
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => typeof e.msg === 'string' && e.msg.startsWith('status: '));
  await waitFor('two status lines', async () => (statusLines().length >= 2 ? true : undefined), 20_000);
  const s = statusLines()[0]!;
  t.match(s, { module: 'node', height: 0, peers: 0, mempool: 0, mining: false, hashrate: 0, tip: /^[0-9a-f]{64}$/ });
  t.equal(s.msg, 'status: height 0, 0 peer(s), 0 pending tx, not mining');
  t.equal(await node.stop(), 0);
});
