// Typed penalties: a penalty carries its code, points and detail, or is the rejected message's error; the code
// travels with the ban to the bans view (no parsing of free text), and the reason keeps the `CODE: detail` form.
import t from 'tap';
import { ChainNodeError, Penalty } from '../../src/errors.js';
import { AddressBans } from '../../src/p2p/address-bans.js';
import { bansJson } from '../../src/p2p/bans-view.js';
import { BanCode, PenaltyBook, banCode } from '../../src/p2p/penalties.js';
import { P2pErrorCode, P2pPenalty } from '../../src/wire/errors.js';
import { penaltyReason, toPenalty } from '../../src/wire/penalty.js';

t.test('a penalty from its parts or from an error', async (t) => {
  const p = { code: P2pErrorCode.unrequested, points: P2pPenalty.unrequested, detail: 'block not requested' };
  t.equal(toPenalty(p), p, 'a typed penalty is taken as it is');
  t.same(
    toPenalty(new ChainNodeError('BLOCK_BAD_POW', 'hash above target', { penalty: Penalty.ban })),
    { code: 'BLOCK_BAD_POW', points: 100, detail: 'hash above target' },
    'an error gives its code, penalty and message',
  );
  t.equal(penaltyReason(p), 'P2P_UNREQUESTED: block not requested');
  t.equal(penaltyReason({ code: 'X_Y', points: 1, detail: '' }), 'X_Y', 'no detail: the code alone');
  t.equal(P2pPenalty.wrongGenesis, Penalty.ban, 'another genesis is a named penalty, not a bare 100');
});

t.test('the code given with a penalty is the ban code, whatever the reason text says', async (t) => {
  const now = Date.UTC(2026, 11, 2, 8, 0, 0);
  const book = new PenaltyBook({ banThreshold: 100 }, { now: () => now });
  const addrs = new AddressBans({}, { now: () => now });
  book.on('ban', (b) => void addrs.ban('198.51.100.4', b.until, b.reason, b.peer, b.code));
  book.penalise('p', 100, 'free text without a leading code', P2pErrorCode.wrongGenesis);
  const v = bansJson(book, addrs, now);
  t.same(
    v.peers.map((b) => [b.id, b.code, b.reason]),
    [['p', 'P2P_WRONG_GENESIS', 'free text without a leading code']],
  );
  t.same(
    v.addresses.map((a) => [a.address, a.code]),
    [['198.51.100.4', 'P2P_WRONG_GENESIS']],
    'the address ban carries the code too',
  );
  t.equal(banCode({ reason: `${BanCode.operator}: by hand` }), BanCode.operator, 'a ban given without a code still shows the one its reason starts with');
});
