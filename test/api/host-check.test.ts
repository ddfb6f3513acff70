// Issue 12, fault 15: Host header allow list (DNS-rebinding guard) and the JSON depth scan, as units.
import t from 'tap';
import { announcedHosts, HostAllowList } from '../../src/api/host-check.js';
import { jsonDepthExceeds } from '../../src/api/server.js';

t.test('fault 15: Host names', async (t) => {
  const hosts = new HostAllowList(['Node.Example.', ...announcedHosts(['/dns4/seed.example.org/tcp/7333', '/ip4/1.2.3.4/tcp/1', 'peer.example:7333'])]);
  for (const h of [
    'localhost',
    'LOCALHOST:80',
    'a.localhost:1',
    '127.0.0.1:8',
    '[::1]:17332',
    '[fe80::1]',
    '192.168.1.9',
    'node.example',
    'node.example.:1',
    'seed.example.org',
    'peer.example:9',
    undefined,
    '',
  ]) {
    t.ok(hosts.allows(h), `allows ${String(h)}`);
  }
  for (const h of ['evil.example', 'localhost.evil.example', 'node.example.evil', '[::1', '[::1]x', 'a:b:c', 'seed.example.org.evil:1', '127.0.0.1.nip.io']) {
    t.notOk(hosts.allows(h), `refuses ${h}`);
  }
});

t.test('fault 10: JSON depth scan', async (t) => {
  t.notOk(jsonDepthExceeds('{"txs":["ab","cd"]}', 2));
  t.ok(jsonDepthExceeds('{"txs":[["ab"]]}', 2));
  t.notOk(jsonDepthExceeds('{"a":"[[[[[[[[[[{{{{"}', 1), 'brackets inside strings do not count');
  t.notOk(jsonDepthExceeds('{"a":"\\"[[[["}', 1), 'escaped quotes do not end a string');
  t.ok(jsonDepthExceeds('['.repeat(1_000_000), 8), 'a million levels: one pass, no recursion');
});
