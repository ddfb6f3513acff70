import t from 'tap';
import { formatHashrate } from '../../src/client/stats.js';

t.test('formatHashrate picks the unit that keeps three significant digits', async (t) => {
  const cases: Array<[number, string]> = [
    [0, '0 H/s'],
    [-5, '0 H/s'],
    [Number.NaN, '0 H/s'],
    [7.4, '7 H/s'],
    [999, '999 H/s'],
    [999.6, '1.00 kH/s'],
    [2712, '2.71 kH/s'],
    [48_100_000, '48.1 MH/s'],
    [6.61e6, '6.61 MH/s'],
    [1.5e9, '1.50 GH/s'],
    [3e18, '3000 PH/s'],
  ];
  for (const [v, want] of cases) t.equal(formatHashrate(v), want, String(v));
});
