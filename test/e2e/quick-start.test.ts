// (a) Quick start: a regtest node starts, mines, answers /status and /health, prints its URLs and writes a
// private cookie; the CLI finds it through the same port resolution as `start` (CHAIN_NODE_API_PORT), and says
// which URL it tried once the node is gone.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, freePort, http, json, runCli, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

t.test('a node starts, mines and serves its API', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const port = await freePort();
  const env = { CHAIN_NODE_API_PORT: String(port) };
  const node = await startNode(t, { datadir, home: dir, args: [], env });
  t.equal(node.url, `http://127.0.0.1:${port}`, 'listens on the configured port');
  for (const what of ['API', 'blocks', 'events', 'metrics', 'OpenAPI'])
    t.match(node.stderr(), new RegExp(`${what}\\s+http://127\\.0\\.0\\.1:${port}/`), `prints the ${what} URL`);
  t.match(node.stderr(), /mining\s+on/);

  const height = await waitFor('two mined blocks', async () => {
    const s = await http(`${node.url}/status`);
    return (s.body.height as number) >= 2 ? (s.body.height as number) : undefined;
  });
  t.ok(height >= 2, `mined to height ${height}`);
  const status = await http(`${node.url}/status`);
  t.equal(status.status, 200);
  t.equal(status.body.network, 'regtest');
  t.match(status.body, { mining: { enabled: true }, api: { url: node.url }, sync: { syncing: false } });
  const health = await http(`${node.url}/health`);
  t.same(health.status, 200);
  t.match(health.body, { live: true, ready: true });
  t.equal((await http(`${node.url}/health/ready`)).status, 200);
  const metrics = await fetch(`${node.url}/metrics`);
  t.equal(metrics.status, 200);
  t.match(await metrics.text(), /# TYPE/);

  t.equal(statSync(join(datadir, 'api.cookie')).mode & 0o777, 0o600, 'the cookie is private');
  t.match(node.token(), /^[0-9a-f]{64}$/);

  // No --api: the CLI resolves the port like `start` does.
  const head = await runCli(['chain', 'head', '--json', '--network', 'regtest', '--datadir', datadir], { home: dir, env });
  t.equal(head.code, 0, head.stderr);
  t.ok((json(head).height as number) >= 2);
  const mining = await runCli(['mining', 'status', '--json', '--network', 'regtest', '--datadir', datadir], { home: dir, env });
  t.equal(json(mining).enabled, true);

  t.equal(await node.stop(), 0, 'SIGTERM stops the node cleanly');
  const down = await runCli(['chain', 'head', '--network', 'regtest', '--datadir', datadir], { home: dir, env });
  t.equal(down.code, 1);
  t.match(down.stderr, new RegExp(`error \\[API_UNREACHABLE\\]: .*http://127\\.0\\.0\\.1:${port}`), 'names the URL it tried');
});
