// Operators see bans: a real peer sends a block with bad proof of work to a real node, which bans it and its
// address (p2p.loopbackLimits, so the test runs on one host); GET /peers/bans lists both with the offence's
// code, the metrics count them, the OpenAPI document describes the route, and GET /peers keeps its shape.
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import t from 'tap';
import type { BansJson } from '../../src/api/types.js';
import { attackFixture, startBanningNode } from '../p2p/attacker.js';
import { badPowBlock } from '../p2p/bad-blocks.js';
import { waitFor } from '../p2p/support.js';

t.test('GET /peers/bans lists a banned peer and its address with the offence code', async (t) => {
  const fx = await attackFixture(t, 'p2p-bans-api-');
  const { node: a, addr: aAddr, id: aId } = await startBanningNode(fx);
  const gauge = async (): Promise<string[]> =>
    (await (await fetch(`${a.api}/metrics`)).text()).split('\n').filter((l) => l.startsWith('chain_node_p2p_banned_'));

  t.same(await a.get<BansJson>('/peers/bans'), { peers: [], addresses: [] }, 'no bans at first');
  t.same(await gauge(), [
    'chain_node_p2p_banned_peers 0',
    'chain_node_p2p_banned_addresses{kind="address"} 0',
    'chain_node_p2p_banned_addresses{kind="subnet"} 0',
  ]);

  const x = await fx.spawn();
  await x.join(aAddr);
  await waitFor('the node to list the attacker', async () => (await a.peerIds()).includes(x.id), 20_000, 200);
  const s = await a.status();
  const before = Date.now();
  await x.publish(x.topics.block, badPowBlock(s.tip.hash, s.height + 1));
  await waitFor('the attacker to be banned and disconnected', () => !x.connectedTo(aId), 20_000, 100);

  const bans = await waitFor(
    'the ban in GET /peers/bans',
    async () => {
      const b = await a.get<BansJson>('/peers/bans');
      return b.peers.length > 0 && b.addresses.length > 0 ? b : undefined;
    },
    10_000,
    200,
  );
  t.equal(bans.peers.length, 1, 'one banned peer');
  const p = bans.peers[0]!;
  t.match(p, { id: x.id, code: 'BLOCK_BAD_POW' }, 'the attacker, with the code of its offence');
  t.match(p.reason, /^BLOCK_BAD_POW: /);
  t.ok(p.points >= 100, `its points reached the ban threshold (${p.points})`);
  const until = Date.parse(p.until);
  t.ok(until >= before + 29 * 60_000 && until <= Date.now() + 30 * 60_000, `banned for the default 30 minutes (until ${p.until})`);
  t.ok(p.expiresIn > 29 * 60 && p.expiresIn <= 30 * 60, `expires in ${p.expiresIn} s`);
  t.same(
    bans.addresses.map((b) => ({ address: b.address, kind: b.kind, peer: b.peer, code: b.code, until: b.until })),
    [{ address: '127.0.0.1', kind: 'address', peer: x.id, code: 'BLOCK_BAD_POW', until: p.until }],
    'its address, banned as long as the peer, naming the peer',
  );
  t.same(
    await gauge(),
    ['chain_node_p2p_banned_peers 1', 'chain_node_p2p_banned_addresses{kind="address"} 1', 'chain_node_p2p_banned_addresses{kind="subnet"} 0'],
    'metrics count them',
  );

  // An operator block of a peer that is not connected: its id is banned with the operator code, no address.
  const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
  await a.post('/peers/disconnect', { id: other }, true);
  const after = await a.get<BansJson>('/peers/bans');
  t.match(
    after.peers.find((b) => b.id === other),
    { code: 'P2P_OPERATOR_BLOCK', points: 0 },
    'an operator block shows its code',
  );
  t.equal(after.addresses.length, 1, 'and bans no address');

  const peers = await a.get<Record<string, unknown>>('/peers');
  t.same(Object.keys(peers).sort(), ['peers', 'self'], 'GET /peers keeps its fields');
  t.notOk(
    (peers.peers as Array<{ id: string }>).some((q) => q.id === x.id),
    'the banned peer is not listed as connected',
  );

  const api = (
    await a.get<{
      paths: Record<string, { get?: { responses?: Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }> } }>;
    }>('/openapi.json')
  ).paths;
  const schema = api['/peers/bans']?.get?.responses?.['200']?.content?.['application/json']?.schema;
  t.same(Object.keys(schema?.properties ?? {}).sort(), ['addresses', 'peers'], 'the OpenAPI document describes the response');
});
