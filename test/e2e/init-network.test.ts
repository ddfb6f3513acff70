// `init` creates a custom network from a genesis file (mining its nonce); `start --network <name>` runs it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, errorCode, http, json, runCli, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

t.test('init a custom network and run a node on it', async (t) => {
  const dir = tempDir(t);
  const genesis = join(dir, 'genesis.json');
  // 0x1f7fffff: about 512 hashes per block, so genesis mining is real but instant.
  writeFileSync(
    genesis,
    JSON.stringify({
      name: 'acme-test',
      powLimitBits: '0x1f7fffff',
      targetSpacing: 1,
      halfLife: 600,
      limits: { maxBlockBytes: 1_000_000 },
      ports: { p2p: 41333, api: 41332 },
      extra: 'acme 2026',
    }),
  );
  const datadir = join(dir, 'acme-test');
  const r = await runCli(['init', genesis, '--datadir', datadir, '--json'], { home: dir });
  t.equal(r.code, 0, r.stderr);
  const out = json<{ network: string; file: string; chainId: string; genesisHash: string; nonce: number }>(r);
  t.equal(out.network, 'acme-test');
  t.equal(out.file, join(dir, 'networks', 'acme-test.json'));
  t.match(out.genesisHash, /^00/, 'the genesis hash meets its target (display order shows leading zeros)');
  const file = JSON.parse(readFileSync(out.file, 'utf8')) as { genesis: { nonce: number; bits: number }; maxBlockBytes: number };
  t.equal(file.genesis.nonce, out.nonce);
  t.equal(file.genesis.bits, 0x1f7fffff);
  t.equal(file.maxBlockBytes, 1_000_000);

  t.equal(errorCode(await runCli(['init', genesis, '--datadir', datadir, '--json'], { home: dir })), 'NETWORK_EXISTS');
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ name: 'regtest', powLimitBits: 1, targetSpacing: 1, halfLife: 1 }));
  t.equal(errorCode(await runCli(['init', join(dir, 'bad.json'), '--datadir', datadir, '--json'], { home: dir })), 'GENESIS_INVALID');

  const node = await startNode(t, { datadir, home: dir, network: 'acme-test', mine: true });
  const s = await http(`${node.url}/status`);
  t.equal(s.body.network, 'acme-test');
  t.equal(s.body.chainId, out.chainId);
  await waitFor('a block on the custom network', async () => (((await http(`${node.url}/status`)).body.height as number) >= 1 ? true : undefined));
  const head = await runCli(['chain', 'head', '--network', 'acme-test', '--datadir', datadir, '--api', node.url, '--json'], { home: dir });
  t.equal(head.code, 0, head.stderr);
  t.equal(json(head).network, 'acme-test');
});
