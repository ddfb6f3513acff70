import t from 'tap';
import { medianTimePast } from '../../src/consensus/median-time.js';

t.test('odd windows take the middle element', async (t) => {
  t.equal(medianTimePast([5]), 5);
  t.equal(medianTimePast([3, 1, 2]), 2);
  t.equal(medianTimePast([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 6);
  t.equal(medianTimePast([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), 6);
});

t.test('even windows take index floor(n/2) of the sorted times (the upper middle)', async (t) => {
  t.equal(medianTimePast([1, 2]), 2);
  t.equal(medianTimePast([40, 10, 30, 20]), 30);
});

t.test('only the last 11 times count', async (t) => {
  // 12 times: the first (oldest) one is ignored.
  t.equal(medianTimePast([1000, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 6);
  const times = Array.from({ length: 30 }, (_, i) => 1_600_000_000 + i * 600);
  t.equal(medianTimePast(times), times[24]);
});

t.test('non-monotonic block times (allowed by consensus) are sorted first', async (t) => {
  t.equal(medianTimePast([100, 90, 200, 80, 300, 70, 400, 60, 500, 50, 600]), 100);
  t.equal(medianTimePast([7, 7, 7, 1, 1]), 7);
});

t.test('the input is not modified and empty input is rejected', async (t) => {
  const times = [3, 1, 2];
  medianTimePast(times);
  t.same(times, [3, 1, 2]);
  t.throws(() => medianTimePast([]), { code: 'MTP_EMPTY' });
});
