// Fault 16: peers' self-reported listen addresses were saved to peers.json and redialled unverified. Now only
// addresses an outbound connection reached, or whose IP is the one a connection came from, are kept.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { join } from 'node:path';
import { attackFixture, listenAddress } from '../p2p/attacker.js';
import { peered, TestNode, waitFor } from '../p2p/support.js';

interface PeersFile {
  peers: Array<{ id: string; addrs: string[] }>;
}

t.test('fault 16: only verified peer addresses are saved to peers.json', async (t) => {
  const { nodes, dir, spawn } = await attackFixture(t, 'p2p-verified-');
  const a = await TestNode.start({ datadir: join(dir.path, 'a'), mine: false });
  nodes.push(a);
  const { addr: aAddr, id: aId } = await listenAddress(a);
  const b = await TestNode.start({ datadir: join(dir.path, 'b'), mine: false, bootstrap: [aAddr] });
  nodes.push(b);
  await peered(nodes, 1);
  // A peer claiming to listen on hosts it does not connect from (it could point us at anyone).
  const liar = await spawn({ announce: ['/ip4/192.0.2.44/tcp/4001', '/ip4/10.99.99.99/tcp/22'] });
  await liar.join(aAddr);
  await waitFor('A to list the liar', async () => (await a.peerIds()).includes(liar.id), 15_000, 100);
  // Identify has run both ways once the gossip subscriptions were exchanged; stop A to save peers.json.
  await a.stop();
  const file = JSON.parse(await readFile(join(dir.path, 'a', 'peers.json'), 'utf8')) as PeersFile;
  const bId = (await b.self()).id;
  const saved = new Map(file.peers.map((p) => [p.id, p.addrs]));
  t.same(saved.get(bId), [`/ip4/127.0.0.1/tcp/${b.p2pPort}`], 'the honest inbound peer: its listen address on the IP it came from');
  t.notOk(saved.has(liar.id), `nothing the liar claimed was saved (${JSON.stringify(saved.get(liar.id))})`);
  t.notMatch(JSON.stringify(file), /192\.0\.2\.44|10\.99\.99\.99/, 'the claimed hosts appear nowhere');
  await b.stop();
  const bFile = JSON.parse(await readFile(join(dir.path, 'b', 'peers.json'), 'utf8')) as PeersFile;
  t.same(bFile.peers.find((p) => p.id === aId)?.addrs, [aAddr.split('/p2p/')[0]], 'the dialled peer: the address the outbound connection reached');
});
