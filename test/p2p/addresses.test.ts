import { multiaddr } from '@multiformats/multiaddr';
import t from 'tap';
import { verifiedAddresses } from '../../src/p2p/peer-manager.js';
import { announceMultiaddrs, parsePeerAddress, resolvePeerAddress, listenMultiaddr } from '../../src/p2p/addresses.js';
import { hasCode } from '../../src/errors.js';

const ID = '12D3KooWKVYS8kNexr9oxkDYP6r4SaBZmHr2yHB8eijFPbUMvZDi';

t.test('parse peer addresses', async (t) => {
  t.same(parsePeerAddress('node1:27333', 1), { host: 'node1', port: 27333 });
  t.same(parsePeerAddress('node1', 27333), { host: 'node1', port: 27333 }, 'default port');
  t.same(parsePeerAddress('[::1]:4000', 1), { host: '::1', port: 4000 });
  t.same(parsePeerAddress(`10.0.0.5:4000/p2p/${ID}`, 1), { host: '10.0.0.5', port: 4000, peerId: ID });
  t.same(parsePeerAddress(`/dns4/seed.example/tcp/7333/p2p/${ID}`, 1), { host: 'seed.example', port: 7333, peerId: ID });
  t.same(parsePeerAddress('/ip6/::1/tcp/9', 1), { host: '::1', port: 9 });
  for (const bad of ['', 'a:b:c', 'host:70000', '/ip4/1.2.3.4/udp/5', '/nonsense', 'host:1/p2p/0OIl']) {
    let ok = false;
    try {
      parsePeerAddress(bad, 1);
    } catch (err) {
      ok = hasCode(err, 'P2P_BAD_ADDRESS');
    }
    t.ok(ok, `rejects '${bad}'`);
  }
});

t.test('resolve names with DNS (Docker service names), keep the peer id', async (t) => {
  const lookup = async (host: string): Promise<Array<{ address: string; family: number }>> => {
    if (host === 'node2')
      return [
        { address: 'fd00::7', family: 6 },
        { address: '172.18.0.3', family: 4 },
      ];
    throw new Error('ENOTFOUND');
  };
  const r = await resolvePeerAddress(`node2:27333/p2p/${ID}`, 1, lookup);
  t.same(r.map(String), [`/ip4/172.18.0.3/tcp/27333/p2p/${ID}`, `/ip6/fd00::7/tcp/27333/p2p/${ID}`], 'IPv4 first');
  t.same((await resolvePeerAddress('/dns4/node2/tcp/5', 1, lookup)).map(String)[0], '/ip4/172.18.0.3/tcp/5');
  t.same((await resolvePeerAddress('127.0.0.1:5', 1, lookup)).map(String), ['/ip4/127.0.0.1/tcp/5'], 'IPs skip DNS');
  await t.rejects(resolvePeerAddress('nowhere:1', 1, lookup), { code: 'P2P_BAD_ADDRESS' });
  t.equal(listenMultiaddr('0.0.0.0', 0), '/ip4/0.0.0.0/tcp/0');
  t.equal(listenMultiaddr('::', 5), '/ip6/::/tcp/5');
  t.same(announceMultiaddrs(['node1:7', '/ip4/1.2.3.4/tcp/8'], 1), ['/dns/node1/tcp/7', '/ip4/1.2.3.4/tcp/8']);
});

t.test('fault 16: verified peer addresses (outbound-reached, or on the observed remote IP), bounded', async (t) => {
  const m = (s: string): ReturnType<typeof multiaddr> => multiaddr(s);
  const claimed = [m('/ip4/192.0.2.44/tcp/4001'), m('/ip4/203.0.113.5/tcp/17333'), m('/ip4/0.0.0.0/tcp/17333'), m('/dns4/evil.example/tcp/1')];
  t.same(
    verifiedAddresses(claimed, { direction: 'inbound', remoteAddr: m('/ip4/203.0.113.5/tcp/50123') }),
    ['/ip4/203.0.113.5/tcp/17333'],
    'inbound: only the claim on the IP it came from',
  );
  t.same(verifiedAddresses(claimed, { direction: 'inbound', remoteAddr: m('/ip4/198.51.100.1/tcp/50123') }), [], 'inbound from elsewhere: nothing');
  t.same(
    verifiedAddresses([], { direction: 'outbound', remoteAddr: m('/ip4/198.51.100.1/tcp/17333/p2p/12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK') }),
    ['/ip4/198.51.100.1/tcp/17333'],
    'outbound: the address we reached',
  );
  const many = Array.from({ length: 20 }, (_, i) => m(`/ip4/203.0.113.5/tcp/${1000 + i}`));
  t.equal(verifiedAddresses(many, { direction: 'inbound', remoteAddr: m('/ip4/203.0.113.5/tcp/1') }).length, 4, 'at most four per peer');
});
