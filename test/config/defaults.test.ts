// Defaults live in one place: the config presets take the API, mempool and miner defaults from their modules,
// mining-on-by-default and the regtest block pacing are network parameters, and flag help is the key's doc.
import t from 'tap';
import { API_DEFAULTS } from '../../src/api/options.js';
import { defaultConfig } from '../../src/config/resolve.js';
import { CONFIG_KEYS, flagDoc } from '../../src/config/schema.js';
import { getNetwork, type NetworkParams } from '../../src/consensus/networks.js';
import { networkToJson } from '../../src/consensus/network-file.js';
import { MEMPOOL_DEFAULTS } from '../../src/mempool/options.js';
import { MINER_DEFAULTS } from '../../src/mining/miner.js';

t.test('config presets follow the module defaults', async (t) => {
  const c = defaultConfig(getNetwork('main'), '/tmp/x');
  t.equal(c.api.rateLimitPerMinute, API_DEFAULTS.rateLimitPerMinute);
  t.equal(c.api.requestTimeoutMs, API_DEFAULTS.requestTimeoutMs);
  t.equal(c.api.sseMaxClients, API_DEFAULTS.sse.maxClients);
  t.equal(c.mempool.maxCount, MEMPOOL_DEFAULTS.maxCount);
  t.equal(c.mempool.maxBytes, MEMPOOL_DEFAULTS.maxBytes);
  t.equal(c.mining.minerTag, MINER_DEFAULTS.minerTag);
  t.equal(c.mining.maxBlockTxs, MINER_DEFAULTS.maxBlockTxs);
});

t.test('mining by default and block pacing are network parameters', async (t) => {
  t.same(
    ['devnet', 'main', 'regtest'].map((n) => defaultConfig(getNetwork(n), '/tmp/x').mining.enabled),
    [true, false, true],
  );
  t.equal(getNetwork('regtest').minBlockIntervalMs, 1_000);
  t.equal(getNetwork('devnet').minBlockIntervalMs, undefined);
  const custom: NetworkParams = { ...getNetwork('devnet'), name: 'mynet', miningByDefault: undefined };
  t.equal(defaultConfig(custom, '/tmp/x').mining.enabled, false, 'a network without the parameter does not mine by default');
  const json = networkToJson(getNetwork('regtest')) as unknown as Record<string, unknown>;
  t.notOk('miningByDefault' in json || 'minBlockIntervalMs' in json, 'node policy stays out of network files');
});

t.test('flag help is the doc of the key the flag sets', async (t) => {
  for (const k of CONFIG_KEYS) if (k.flag !== undefined) t.equal(flagDoc(k.flag), k.doc);
  t.throws(() => flagDoc('noSuchFlag'), /no configuration key has the flag 'noSuchFlag'/);
});
