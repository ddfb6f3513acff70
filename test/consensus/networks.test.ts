import t from 'tap';
import { NETWORKS, chainId, genesisBlock, getNetwork, powLimit } from '../../src/consensus/networks.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { compactToTarget } from '../../src/consensus/compact.js';
import { Block } from '../../src/primitives/block.js';
import { bytesEqual, toHex } from '../../src/util/bytes.js';

for (const [name, net] of Object.entries(NETWORKS)) {
  t.test(`${name}: genesis block is valid under the rules`, async (t) => {
    const g = genesisBlock(net);
    t.ok(bytesEqual(g.header.prevHash, new Uint8Array(32)), 'prevHash is zero');
    t.equal(g.meta.height, 0);
    t.equal(g.txs.length, 0);
    t.ok(bytesEqual(g.header.merkleRoot, g.computeMerkleRoot()), 'merkle root matches meta');
    t.ok(checkProofOfWork(g.header.bytes, powLimit(net)), 'proof of work meets bits and powLimit');
    t.ok(compactToTarget(net.genesis.bits) <= powLimit(net), 'genesis bits within powLimit');
    if (compactToTarget(net.genesis.bits) < 1n << 248n) t.ok(g.header.hashHex.startsWith('00'), 'display hash shows leading zeros');
    const back = Block.decode(g.bytes);
    t.equal(back.header.hashHex, g.header.hashHex, 'genesis round-trips');
    t.equal(toHex(chainId(net)), toHex(g.hash));
    t.equal(net.protocolPrefix, `/chain-node/${name}`);
    const wrongNonce = g.header.with({ nonce: net.genesis.nonce + 1 });
    if (compactToTarget(net.genesis.bits) < 1n << 250n) t.notOk(checkProofOfWork(wrongNonce.bytes, powLimit(net)), 'another nonce fails');
  });
}

t.test('networks have distinct chain ids and ports', async (t) => {
  const ids = new Set(Object.values(NETWORKS).map((n) => toHex(chainId(n))));
  t.equal(ids.size, Object.keys(NETWORKS).length);
  t.equal(getNetwork('devnet').name, 'devnet');
  t.throws(() => getNetwork('nope'), { code: 'NETWORK_UNKNOWN' });
  t.throws(() => getNetwork('__proto__'), { code: 'NETWORK_UNKNOWN' });
});
