import t from 'tap';
import { mineGenesis, networkJsonFromSpec } from '../../src/client/init-network.js';
import { networkFromJson } from '../../src/consensus/network-file.js';
import { chainId, genesisBlock, powLimit } from '../../src/consensus/networks.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { referenceSearch } from '../../src/mining/reference-search.js';
import type { MiningBackend } from '../../src/mining/backend.js';

// A backend over the pure-JS reference search (no addon or WASM needed).
const jsBackend: MiningBackend = {
  name: 'wasm',
  load: async () => undefined,
  search: async (header, target, start, count) => referenceSearch(header, target, start, Math.min(count, 1 << 20)),
};

t.test('genesis spec defaults and validation', async (t) => {
  const j = networkJsonFromSpec({ name: 'acme', powLimitBits: '0x207fffff', targetSpacing: 5, halfLife: 600 }, () => 1_800_000_000_000);
  t.match(j, {
    name: 'acme',
    genesis: { time: 1_800_000_000, bits: 0x207fffff, nonce: 0, meta: { height: 0, miner: 'chain-node genesis', extra: Buffer.from('acme').toString('hex') } },
    maxBlockBytes: 4 * 1024 * 1024,
    ports: { p2p: 18333, api: 18332 },
  });
  const bad = (spec: unknown, what: string): void => {
    t.throws(() => networkJsonFromSpec(spec), { code: 'GENESIS_INVALID' }, what);
  };
  bad(null, 'not an object');
  bad({ powLimitBits: 1, targetSpacing: 1, halfLife: 1 }, 'no name');
  bad({ name: 'devnet', powLimitBits: '0x207fffff', targetSpacing: 1, halfLife: 1 }, 'built-in name');
  bad({ name: 'Bad Name', powLimitBits: '0x207fffff', targetSpacing: 1, halfLife: 1 }, 'bad name');
  bad({ name: 'x', powLimitBits: 'zz', targetSpacing: 1, halfLife: 1 }, 'bad bits');
  bad({ name: 'x', powLimitBits: '0x1d00ffff', bits: '0x207fffff', targetSpacing: 1, halfLife: 1 }, 'genesis bits above the pow limit');
  bad({ name: 'x', powLimitBits: '0x207fffff', targetSpacing: 0, halfLife: 1 }, 'zero spacing');
  bad({ name: 'x', powLimitBits: '0x207fffff', targetSpacing: 1, halfLife: 1, extra: 'y'.repeat(33) }, 'long extra');
});

t.test('mining the genesis nonce', async (t) => {
  const j = networkJsonFromSpec({ name: 'acme', powLimitBits: '0x1f7fffff', targetSpacing: 5, halfLife: 600, time: 1_800_000_000 });
  const mined = await mineGenesis(j, jsBackend);
  const net = mined.network;
  t.ok(checkProofOfWork(genesisBlock(net).header.bytes, powLimit(net)), 'the genesis header meets its target');
  t.ok(mined.hashes > 0);
  t.equal(net.genesis.time, 1_800_000_000);
  const again = networkFromJson(JSON.parse(JSON.stringify({ ...j, genesis: { ...j.genesis, nonce: net.genesis.nonce } })));
  t.same(chainId(again), chainId(net), 'the written file reproduces the chain id');

  // No nonce in range: the time moves on.
  let calls = 0;
  const stingy: MiningBackend = {
    ...jsBackend,
    search: async (h, target, s, c) => (++calls === 1 ? { nonce: null, hashes: c } : jsBackend.search(h, target, s, c)),
  };
  const bumped = await mineGenesis(j, stingy);
  t.equal(bumped.network.genesis.time, 1_800_000_001);
});
