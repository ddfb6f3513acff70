import t from 'tap';
import { compactToTarget, MAX_UINT256 } from '../../src/consensus/compact.js';
import { blockWork, blockWorkFromBits } from '../../src/consensus/work.js';

t.test('work of the difficulty-1 target 0x1d00ffff is 0x100010001', async (t) => {
  t.equal(blockWorkFromBits(0x1d00ffff), 4295032833n);
  t.equal(blockWork(compactToTarget(0x1d00ffff)), 0x100010001n);
});

t.test('edge targets', async (t) => {
  t.equal(blockWork(MAX_UINT256), 1n);
  t.equal(blockWork(0n), 1n << 256n);
  t.equal(blockWork(1n), 1n << 255n);
  t.throws(() => blockWork(-1n), { code: 'TARGET_OUT_OF_RANGE' });
  t.throws(() => blockWork(MAX_UINT256 + 1n), { code: 'TARGET_OUT_OF_RANGE' });
});

t.test('blockWorkFromBits rejects bits that carry no work', async (t) => {
  for (const bits of [0, 0x01fedcba, 0xff123456, 0x04800000]) {
    t.throws(() => blockWorkFromBits(bits), { code: 'BITS_INVALID' }, `0x${bits.toString(16)}`);
  }
});

t.test("matches Core GetBlockProof's formula (~target / (target + 1)) + 1", async (t) => {
  let s = 0x9e3779b9;
  const next = (): bigint => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return BigInt(s);
  };
  for (let i = 0; i < 2000; i++) {
    let v = 0n;
    for (let w = 0; w < 8; w++) v = (v << 32n) | next();
    const target = v >> (next() % 256n);
    const core = (MAX_UINT256 ^ target) / (target + 1n) + 1n;
    if (blockWork(target) !== core) t.fail(`target ${target.toString(16)}`);
  }
  t.pass('2000 random targets');
});
