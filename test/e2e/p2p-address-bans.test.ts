// Fault 12: bans were by peer id only, so a fresh key from the same address was served at once. A banned peer's
// address is now refused, and inbound connections per address are capped. Loopback is exempt by default (local
// clusters share 127.0.0.1); these nodes opt in with p2p.loopbackLimits so the test runs on one host.
import { mkdir, writeFile } from 'node:fs/promises';
import { multiaddr } from '@multiformats/multiaddr';
import t from 'tap';
import { join } from 'node:path';
import { attackFixture, badPowBlock, listenAddress, type Attacker } from '../p2p/attacker.js';
import { sleep, TestNode, waitFor } from '../p2p/support.js';

// True when a dial ends with an open connection the node keeps.
async function served(x: Attacker, addr: string, id: string): Promise<boolean> {
  try {
    const conn = await x.node.dial(multiaddr(addr), { signal: AbortSignal.timeout(5_000) });
    await sleep(500);
    return conn.status === 'open' && x.connectedTo(id);
  } catch {
    return false;
  }
}

async function startWith(datadir: string, p2p: Record<string, unknown>): Promise<TestNode> {
  await mkdir(datadir, { recursive: true });
  await writeFile(join(datadir, 'config.json'), JSON.stringify({ p2p }));
  return TestNode.start({ datadir, mine: false });
}

t.test('fault 12: a fresh key from a banned address is refused; inbound connections per address are capped', async (t) => {
  const { nodes, dir, spawn } = await attackFixture(t, 'p2p-addrban-');

  const a = await startWith(join(dir.path, 'a'), { loopbackLimits: true });
  nodes.push(a);
  const { addr: aAddr, id: aId } = await listenAddress(a);
  const x1 = await spawn();
  await x1.join(aAddr);
  const s = await a.status();
  await x1.publish(x1.topics.block, badPowBlock(s.tip.hash, s.height + 1));
  await waitFor('the attacker to be banned and disconnected', () => !x1.connectedTo(aId), 20_000, 100);
  t.match(await a.log(), new RegExp(`"peer":"${x1.id}","addresses":\\["127\\.0\\.0\\.1"\\].*"msg":"peer banned"`), 'its address was banned with it');
  const x2 = await spawn();
  t.notOk(await served(x2, aAddr, aId), 'a fresh key from the same address is refused');
  t.notOk((await a.peerIds()).includes(x2.id), 'and never listed as a peer');

  const c = await startWith(join(dir.path, 'c'), { loopbackLimits: true, maxInboundPerAddress: 2 });
  nodes.push(c);
  const cAddr = (await c.self()).addresses[0]!;
  const cId = cAddr.split('/p2p/')[1]!;
  const ok: boolean[] = [];
  for (let i = 0; i < 3; i++) ok.push(await served(await spawn(), cAddr, cId));
  t.same(ok, [true, true, false], 'two inbound connections from one address, the third refused');
});
