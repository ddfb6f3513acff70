const HASHRATE_UNITS = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s'];

/** A hash rate in the largest unit that keeps it >= 1, three significant digits: 2.70 kH/s, 48.1 MH/s, 0 H/s. */
export function formatHashrate(hashesPerSecond: number): string {
  if (!Number.isFinite(hashesPerSecond) || hashesPerSecond <= 0) return '0 H/s';
  let v = hashesPerSecond;
  let i = 0;
  while (v >= 999.5 && i < HASHRATE_UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 || v >= 100 ? String(Math.round(v)) : v.toPrecision(3)} ${HASHRATE_UNITS[i]}`;
}
