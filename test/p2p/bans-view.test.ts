// What GET /peers/bans shows, built from the real penalty book and address bans: reason codes (including the
// codes with digits and the bans that have no rejected message), points, expiry, and the peer behind each
// address or subnet ban.
import t from 'tap';
import { AddressBans } from '../../src/p2p/address-bans.js';
import { bansJson } from '../../src/p2p/bans-view.js';
import { BanCode, PenaltyBook, reasonCode } from '../../src/p2p/penalties.js';

t.test('reason codes', async (t) => {
  t.equal(reasonCode('BLOCK_BAD_POW: block hash does not meet its target'), 'BLOCK_BAD_POW');
  t.equal(reasonCode('BLOCK_BAD_MERKLE in block 00ab'), 'BLOCK_BAD_MERKLE', 'a code followed by a space');
  t.equal(reasonCode('BITS_NOT_UINT32: bits'), 'BITS_NOT_UINT32', 'digits are part of a code');
  t.equal(reasonCode('P2P_GRAYLISTED'), 'P2P_GRAYLISTED', 'a code alone');
  t.equal(reasonCode('disconnected by the operator'), BanCode.other, 'free text has no code');
  t.equal(reasonCode('A peer misbehaved'), BanCode.other, 'a capital word is not a code');
  t.equal(reasonCode('OK_then-ish'), BanCode.other, 'a code must end at a word boundary');
});

t.test('bans as the API shows them', async (t) => {
  let now = Date.UTC(2026, 11, 2, 8, 0, 0);
  const book = new PenaltyBook({ banThreshold: 100, banDurationMs: 30 * 60_000 }, { now: () => now });
  const addrs = new AddressBans({}, { now: () => now });
  // Wire them as the network does: a banned peer's address is banned with it.
  const where: Record<string, string> = { bad1: '203.0.113.7', bad2: '203.0.113.8', bad3: '203.0.113.9' };
  book.on('ban', (b) => void (where[b.peer] !== undefined && addrs.ban(where[b.peer]!, b.until, b.reason, b.peer)));

  t.same(bansJson(book, addrs, now), { peers: [], addresses: [] }, 'none yet');

  book.penalise('bad1', 60, 'TX_BAD_SIGNATURE: tx 01');
  book.penalise('bad1', 50, 'BLOCK_BAD_POW: block hash does not meet its target');
  now += 1_000;
  book.penalise('bad2', 100, 'BLOCK_BAD_MERKLE in block 00ab');
  now += 1_000;
  book.ban('op', 10 * 60_000, `${BanCode.operator}: disconnected by the operator`);
  book.penalise('bad3', 100, 'TX_MALFORMED: garbage');
  const v = bansJson(book, addrs, now);
  t.same(
    v.peers.map((p) => [p.id, p.code, p.points]),
    [
      ['bad3', 'TX_MALFORMED', 100],
      ['bad2', 'BLOCK_BAD_MERKLE', 100],
      ['bad1', 'BLOCK_BAD_POW', 110],
      ['op', 'P2P_OPERATOR_BLOCK', 0],
    ],
    'peer ids with the code of the offence that banned them and their points, latest expiry first',
  );
  t.equal(v.peers[0]!.until, new Date(now + 30 * 60_000).toISOString());
  t.equal(v.peers[0]!.expiresIn, 1800);
  t.equal(v.peers[3]!.expiresIn, 600);
  t.same(
    v.addresses.map((a) => [a.address, a.kind, a.peer, a.code]),
    [
      ['203.0.113.9', 'address', 'bad3', 'TX_MALFORMED'],
      ['203.0.113.0/24', 'subnet', 'bad3', BanCode.subnet],
      ['203.0.113.8', 'address', 'bad2', 'BLOCK_BAD_MERKLE'],
      ['203.0.113.7', 'address', 'bad1', 'BLOCK_BAD_POW'],
    ],
    'each address with the peer behind it; the /24 after its third address, with the peer that completed it',
  );
  t.match(v.addresses[1]!.reason, /^P2P_SUBNET_BANNED: 3 addresses of 203\.0\.113\.0\/24 banned$/);
  t.equal(v.addresses[1]!.until, new Date(now + 30 * 60_000).toISOString(), 'the /24 lasts as long as its longest address ban');

  now += 10 * 60_000;
  t.notOk(
    bansJson(book, addrs, now).peers.some((p) => p.id === 'op'),
    'an ended ban is gone',
  );
  now += 20 * 60_000;
  t.same(bansJson(book, addrs, now), { peers: [], addresses: [] }, 'all ended');
});
