import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { ChainNode, COOKIE_FILE } from '../../src/node.js';
import { PEERS_FILE } from '../../src/p2p/peer-book.js';
import { PEER_KEY_FILE } from '../../src/p2p/key.js';
import { memoryLogger, regtestConfig, tempDir } from './support.js';

const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

t.test('fault 14: an existing 0644 api.cookie and peers.json and a 0755 datadir are forced to 0600/0700', async (t) => {
  const base = await tempDir(t, 'cn-modes-');
  const datadir = join(base, 'regtest');
  await mkdir(datadir, { recursive: true, mode: 0o755 });
  await chmod(datadir, 0o755);
  await writeFile(join(datadir, COOKIE_FILE), 'old-token', { mode: 0o644 });
  await writeFile(join(datadir, PEERS_FILE), JSON.stringify({ version: 1, peers: [] }), { mode: 0o644 });
  for (const f of [COOKIE_FILE, PEERS_FILE]) await chmod(join(datadir, f), 0o644);
  const { config, network } = regtestConfig(datadir);
  const node = new ChainNode({ config, network, version: 'test' }, { logger: memoryLogger().logger });
  t.teardown(() => node.stop());
  await node.start();
  t.equal(await mode(datadir), 0o700, 'datadir 0700');
  t.equal(await mode(join(datadir, COOKIE_FILE)), 0o600, 'api.cookie 0600 (it held the new token)');
  t.equal(await mode(join(datadir, PEERS_FILE)), 0o600, 'peers.json 0600');
  t.equal(await mode(join(datadir, PEER_KEY_FILE)), 0o600, 'p2p-key 0600');
  await node.stop();
  t.equal(await mode(join(datadir, PEERS_FILE)), 0o600, 'peers.json still 0600 after the save on stop');
});

t.test('fault 14: a new datadir is 0700 and its files 0600', async (t) => {
  const base = await tempDir(t, 'cn-modes-');
  const datadir = join(base, 'fresh', 'regtest');
  const { config, network } = regtestConfig(datadir);
  const node = new ChainNode({ config, network, version: 'test' }, { logger: memoryLogger().logger });
  t.teardown(() => node.stop());
  await node.start();
  t.equal(await mode(datadir), 0o700);
  t.equal(await mode(join(datadir, COOKIE_FILE)), 0o600);
  t.equal(await mode(join(datadir, PEER_KEY_FILE)), 0o600);
});
