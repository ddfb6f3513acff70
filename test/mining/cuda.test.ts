// The real CUDA backend; skipped (with the reason) where the addon, the CUDA library, the driver or a GPU is missing.
import t from 'tap';
import { hasCode } from '../../src/errors.js';
import { CudaBackend, cudaDevices } from '../../src/mining/cuda-backend.js';
import { MiningErrorCode } from '../../src/mining/backend.js';
import { referenceSearch } from '../../src/mining/reference-search.js';
import { REAL_HEADERS, headerTarget, pseudoRandomBytes } from './fixtures.js';

t.test('cuda', async (t) => {
  const backend = new CudaBackend();
  try {
    await backend.load();
  } catch (err) {
    if (!hasCode(err, MiningErrorCode.unavailable)) throw err;
    t.same(await cudaDevices(), [], 'no devices reported either');
    t.skip(`no usable CUDA device: ${(err as Error).message}`, () => undefined);
    return;
  }
  t.teardown(() => backend.close());

  t.test('devices() reports name, memory and compute capability', async (t) => {
    const devices = backend.devices();
    t.ok(devices.length > 0);
    for (const d of devices) {
      t.type(d.name, 'string');
      t.ok(d.totalMemory > 0);
      t.ok(d.major >= 5);
    }
    t.same((await cudaDevices()).length >= devices.length, true);
  });

  t.test('whole-nonce-space search for a real block', async (t) => {
    // Big enough to span many ~25 ms batches.
    const real = REAL_HEADERS[2]!;
    const r = await backend.search(real.header, headerTarget(real.header), 0, 2 ** 32);
    t.equal(r.nonce, real.nonce);
  });

  t.test('many small easy searches agree with the reference', async (t) => {
    for (let i = 0; i < 100; i++) {
      const header = pseudoRandomBytes(700 + i, 80);
      const target = (1n << 256n) / 1000n;
      const start = (i * 40_503_331) >>> 0;
      const expected = referenceSearch(header, target, start, 3000);
      t.equal((await backend.search(header, target, start, 3000)).nonce, expected.nonce);
    }
  });
});
