import t from 'tap';
import { addressKey, AddressBans, isLoopback } from '../../src/p2p/address-bans.js';

t.test('fault 12: address bans cover the address, an IPv6 /64, and a /24 after several addresses', async (t) => {
  let now = 1_000_000;
  const bans = new AddressBans({}, { now: () => now });
  t.ok(bans.ban('203.0.113.7', now + 60_000, 'bad pow'));
  t.ok(bans.isBanned('203.0.113.7'), 'the address');
  t.ok(bans.isBanned('::ffff:203.0.113.7'), 'the same address IPv4-mapped');
  t.notOk(bans.isBanned('203.0.113.8'), 'a neighbour is not banned for one offence');
  t.ok(bans.ban('2001:db8:1:2::5', now + 60_000, 'bad pow'));
  t.ok(bans.isBanned('2001:db8:1:2:ffff::1'), 'any address of the IPv6 /64');
  t.notOk(bans.isBanned('2001:db8:1:3::5'), 'not the next /64');
  bans.ban('203.0.113.8', now + 30_000, 'bad pow');
  t.notOk(bans.isBanned('203.0.113.99'), 'two addresses of a /24: not yet the subnet');
  bans.ban('203.0.113.9', now + 90_000, 'bad pow');
  t.ok(bans.isBanned('203.0.113.99'), 'three addresses of a /24: the whole /24');
  t.notOk(bans.isBanned('203.0.114.1'));
  t.same(
    bans
      .list()
      .map((b) => b.key)
      .sort(),
    ['2001:db8:1:2::/64', '203.0.113.0/24', '203.0.113.7', '203.0.113.8', '203.0.113.9'],
  );
  now += 60_001;
  t.notOk(
    bans.list().some((b) => b.key === '203.0.113.7'),
    'address bans end',
  );
  t.ok(bans.isBanned('203.0.113.7'), 'but it is still inside the banned /24');
  t.ok(bans.isBanned('203.0.113.99'), 'the /24 lasts as long as its longest address ban');
  now += 30_000;
  t.notOk(bans.isBanned('203.0.113.99'));
  t.same(bans.list(), []);
  bans.ban('198.51.100.1', now + 60_000, 'x');
  bans.unban('198.51.100.1');
  t.notOk(bans.isBanned('198.51.100.1'), 'an operator unban lifts it');
});

t.test('fault 12: loopback is exempt by default (local clusters share 127.0.0.1), and can be included', async (t) => {
  const now = 0;
  const exempt = new AddressBans({}, { now: () => now });
  t.notOk(exempt.ban('127.0.0.1', 60_000, 'x'), 'not banned');
  t.notOk(exempt.isBanned('127.0.0.1'));
  t.notOk(exempt.applies('::1'));
  t.ok(exempt.applies('10.0.0.1'), 'private networks (Docker) are real addresses');
  const strict = new AddressBans({ loopback: true }, { now: () => now });
  t.ok(strict.ban('127.0.0.1', 60_000, 'x'));
  t.ok(strict.isBanned('127.0.0.1'));
  t.ok(isLoopback('127.1.2.3') && isLoopback('::1') && !isLoopback('10.0.0.1'));
  t.equal(addressKey('not an ip'), undefined);
  t.notOk(strict.ban('not an ip', 60_000, 'x'));
});
