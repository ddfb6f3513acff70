import t from 'tap';
import { PenaltyBook, type BanEvent } from '../../src/p2p/penalties.js';
import { PeerRateLimiter, TokenBucket } from '../../src/wire/rate-limit.js';

t.test('penalty points accumulate, decay, and ban at the threshold', async (t) => {
  let now = 1_000_000;
  const book = new PenaltyBook({ banThreshold: 100, banDurationMs: 60_000, decayPerMinute: 10 }, { now: () => now });
  const bans: BanEvent[] = [];
  book.on('ban', (b) => bans.push(b));
  t.equal(book.penalise('a', 50, 'malformed'), 50);
  t.equal(book.penalise('a', 0, 'duplicate'), 50, 'zero penalty changes nothing');
  t.notOk(book.isBanned('a'));
  now += 60_000;
  t.equal(book.points('a'), 40, 'ten points forgiven per minute');
  book.penalise('a', 50, 'malformed');
  t.notOk(book.isBanned('a'), '90 < 100');
  book.penalise('a', 10, 'rate limited');
  t.ok(book.isBanned('a'), 'banned at the threshold');
  t.equal(bans.length, 1);
  t.match(bans[0], { peer: 'a', reason: 'rate limited', until: now + 60_000 });
  book.penalise('a', 50, 'more');
  t.equal(bans.length, 1, 'no second ban event while banned');
  t.same(
    book.bans().map((b) => b.peer),
    ['a'],
  );
  now += 60_001;
  t.notOk(book.isBanned('a'), 'ban expires');
  t.same(book.bans(), []);
  book.penalise('b', 100, 'bad proof of work');
  t.ok(book.isBanned('b'), 'one ban-level offence is enough');
  book.unban('b');
  t.notOk(book.isBanned('b'));
  t.equal(book.points('b'), 0, 'unban forgets points');
  book.ban('c', 5_000, 'disconnected by the operator');
  t.ok(book.isBanned('c'), 'operator block');
  now += 5_001;
  t.notOk(book.isBanned('c'));
});

t.test('token buckets', async (t) => {
  let now = 0;
  const b = new TokenBucket({ perSecond: 10, burst: 3 }, () => now);
  t.ok(b.take() && b.take() && b.take(), 'burst');
  t.notOk(b.take(), 'empty');
  now += 100;
  t.ok(b.take(), 'one token per 100 ms');
  t.notOk(b.take());
  now += 10_000;
  t.ok(b.full, 'refills to the burst, no more');
  t.ok(b.take(3));
  t.notOk(b.take());
  const per = new PeerRateLimiter({ perSecond: 1, burst: 1 }, () => now);
  t.ok(per.take('x'));
  t.notOk(per.take('x'), 'per peer');
  t.ok(per.take('y'), 'another peer has its own bucket');
});

t.test('fault 13: two 50-point penalties ban (whole-minute decay, the documented rule holds exactly)', async (t) => {
  let now = 5_000_000;
  const book = new PenaltyBook({}, { now: () => now });
  t.equal(book.options.banThreshold, 100);
  book.penalise('a', 50, 'BLOCK_MALFORMED');
  now += 1;
  book.penalise('a', 50, 'BLOCK_MALFORMED');
  t.ok(book.isBanned('a'), 'banned 1 ms apart (continuous decay left 99.99997)');
  book.penalise('b', 50, 'TX_MALFORMED');
  now += 59_999;
  t.equal(book.points('b'), 50, 'no decay within the first minute');
  book.penalise('b', 50, 'TX_MALFORMED');
  t.ok(book.isBanned('b'), 'banned 59.999 s apart');
  book.penalise('c', 50, 'TX_MALFORMED');
  now += 60_000;
  t.equal(book.points('c'), 48, 'two points forgiven after a full minute');
  book.penalise('c', 50, 'TX_MALFORMED');
  t.notOk(book.isBanned('c'), '48 + 50 < 100 a minute later');
  now += 30_000;
  t.equal(book.points('c'), 98, 'the minute restarts at each penalty');
  book.penalise('c', 2, 'TX_MALFORMED');
  t.ok(book.isBanned('c'), 'reaching exactly the threshold bans');
  book.penalise('d', 10, 'x');
  now += 5 * 60_000 + 59_999;
  t.equal(book.points('d'), 0, 'decayed to zero and forgotten');
});
