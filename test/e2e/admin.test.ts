// (d) Admin routes refuse a missing (401 AUTH_REQUIRED) or wrong (401 AUTH_INVALID) token and accept the
// cookie's token; the CLI reads the cookie itself (mining stop/start).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { apiCode, ensureBuilt, errorCode, http, json, runCli, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

t.test('admin token from the cookie file', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const node = await startNode(t, { datadir, home: dir });

  for (const path of ['/mining/stop', '/mining/start', '/admin/shutdown', '/peers/disconnect']) {
    const none = await http(`${node.url}${path}`, { method: 'POST' });
    t.equal(none.status, 401, `${path} without a token`);
    t.equal(apiCode(none.body), 'AUTH_REQUIRED');
    const wrong = await http(`${node.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${'0'.repeat(64)}` } });
    t.equal(wrong.status, 401, `${path} with a wrong token`);
    t.equal(apiCode(wrong.body), 'AUTH_INVALID');
  }
  const basic = await http(`${node.url}/mining/stop`, { method: 'POST', headers: { authorization: `Basic ${node.token()}` } });
  t.equal(apiCode(basic.body), 'AUTH_INVALID', 'only Bearer');
  t.equal((await http(`${node.url}/mining`)).body.enabled, true, 'still mining after refused requests');

  const g = ['--network', 'regtest', '--datadir', datadir, '--api', node.url, '--json'];
  const stop = await runCli(['mining', 'stop', ...g], { home: dir });
  t.equal(stop.code, 0, stop.stderr);
  t.equal(json(stop).enabled, false);
  const h0 = (await http(`${node.url}/status`)).body.height as number;
  await new Promise((r) => setTimeout(r, 2500));
  t.equal((await http(`${node.url}/status`)).body.height, h0, 'no blocks while stopped');

  const status = await runCli(['mining', 'status', ...g], { home: dir });
  t.equal(json(status).enabled, false);
  const minedBefore = json<{ blocksMined: number }>(status).blocksMined;
  t.ok(minedBefore >= 1, `blocks were mined before the stop (${minedBefore})`);
  const start = await runCli(['mining', 'start', ...g], { home: dir });
  t.equal(start.code, 0, start.stderr);
  t.equal(json(start).enabled, true);
  await waitFor('a new block', async () => (((await http(`${node.url}/status`)).body.height as number) > h0 ? true : undefined));
  const after = json<{ blocksMined: number }>(await runCli(['mining', 'status', ...g], { home: dir }));
  t.ok(after.blocksMined > minedBefore, `stop/start does not reset the blocks-mined counter (${minedBefore} -> ${after.blocksMined})`);
  const human = await runCli(['mining', 'status', '--network', 'regtest', '--datadir', datadir, '--api', node.url], { home: dir });
  t.match(human.stdout, /^mining on \([a-z-]+, \d+(\.\d+)? [kMGT]?H\/s\), \d+ block\(s\) mined$/m, 'hash rate in an adaptive unit');

  const bad = join(dir, 'bad.cookie');
  writeFileSync(bad, 'f'.repeat(64));
  const refused = await runCli(['mining', 'stop', '--cookie', bad, ...g], { home: dir });
  t.equal(refused.code, 1);
  t.equal(errorCode(refused), 'AUTH_INVALID', 'the server code reaches the CLI');
  t.match(refused.stderr, `token read from ${bad}`, 'AUTH_INVALID names the cookie file it read');
  const noCookie = await runCli(['mining', 'stop', '--network', 'regtest', '--datadir', join(dir, 'elsewhere'), '--api', node.url], { home: dir });
  t.equal(noCookie.code, 1);
  t.match(noCookie.stderr, /error \[AUTH_REQUIRED\]: .*api\.cookie/);

  // With the token, a raw request works too.
  const raw = await http(`${node.url}/mining/stop`, { method: 'POST', headers: { authorization: `Bearer ${node.token()}` } });
  t.equal(raw.status, 200);
  t.equal(raw.body.enabled, false);
});
