// CPU path calibration with the real addon: bounded in time, kept in the datadir so a restart skips it, the
// fastest path chosen, and simulated CPUs (SHA-NI, AVX-512 or both hidden) that still find real Bitcoin nonces.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { hasCode } from '../../src/errors.js';
import {
  calibrateCpuPaths,
  fileCalibrationStore,
  hideMask,
  parseCpuFeatures,
  type CalibrationStore,
  type CpuCalibration,
  type CpuFeature,
} from '../../src/mining/cpu-calibration.js';
import { defaultNativeLoader } from '../../src/mining/native-addon.js';
import { MiningErrorCode } from '../../src/mining/backend.js';
import { NativeCpuBackend } from '../../src/mining/native-cpu-backend.js';
import { parseCpuImpl } from '../../src/mining/loader.js';
import { REAL_HEADERS, headerTarget, withNonce } from './fixtures.js';

// The addon is part of the build (npm run build:native); a missing one is a failure here, not a skip.
const addon = defaultNativeLoader().load();
const all = addon.cpuFeatures();

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'chain-node-calibration-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A store that counts its reads and writes. */
function countingStore(inner: CalibrationStore): CalibrationStore & { gets: number; puts: number } {
  const s = {
    gets: 0,
    puts: 0,
    get: (key: string) => {
      s.gets++;
      return inner.get(key);
    },
    put: (key: string, value: CpuCalibration) => {
      s.puts++;
      inner.put(key, value);
    },
  };
  return s;
}

async function findsRealNonce(t: Test, backend: NativeCpuBackend): Promise<void> {
  for (const real of REAL_HEADERS.slice(0, 2)) {
    const start = real.nonce - 20_000;
    const r = await backend.search(withNonce(real.header, 0), headerTarget(real.header), start, 40_000);
    t.equal(r.nonce, real.nonce, `${backend.implementation} finds the ${real.name} nonce`);
  }
}

/** Milliseconds of CPU (user + system, every thread of this process) since `from`. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

t.test('calibration measures every path the CPU runs, within 300 ms, and picks the fastest', async (t) => {
  t.ok(all.paths.includes('portable') && all.paths.includes('vec128'), 'the baseline paths always run');
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const cal = await calibrateCpuPaths(addon, { threads: 2, hide: 0 });
  const wall = performance.now() - started;
  // CPU time, not wall time: a loaded machine stretches the wall clock (the bench reports that), never the work
  // done. A calibration past its 300 ms bound would spend more than 2 threads x 300 ms of CPU.
  const cpuMs = cpuMsSince(cpu0);
  t.ok(cpuMs < 2 * 300, `calibration used ${cpuMs.toFixed(1)} ms of CPU on 2 threads (< 600), ${wall.toFixed(1)} ms wall`);
  t.ok(cal.ms <= wall + 1, 'reported time is the measured wall time');
  t.same(cal.paths.map((p) => p.path).sort(), [...all.paths].sort(), 'every supported path measured once');
  for (const p of cal.paths) t.ok(p.hashesPerSecond > 0, `${p.path}: ${p.hashesPerSecond.toExponential(2)} H/s`);
  const fastest = Math.max(...cal.paths.map((p) => p.hashesPerSecond));
  t.equal(cal.paths[0]!.hashesPerSecond, fastest, 'figures sorted fastest first');
  t.equal(cal.chosen, cal.paths[0]!.path, 'auto chooses the fastest');
  t.equal(cal.threads, 2);
  t.equal(cal.cached, false);
});

t.test('a smaller budget is honoured too', async (t) => {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const cal = await calibrateCpuPaths(addon, { threads: 1, hide: 0, budgetMs: 50, rounds: 1 });
  const wall = performance.now() - started;
  // One 1024-nonce chunk of the scalar path is the granularity; CPU time, for the reason above.
  const cpuMs = cpuMsSince(cpu0);
  t.ok(cpuMs < 150, `50 ms budget used ${cpuMs.toFixed(1)} ms of CPU (${wall.toFixed(1)} ms wall)`);
  t.equal(cal.paths.length, all.paths.length);
});

t.test('the calibration is kept in the datadir: a restart skips it, a new build or thread count does not', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cpu-calibration.json');
  const store = countingStore(fileCalibrationStore(file));
  const first = new NativeCpuBackend({ threads: 2, calibrationStore: store });
  await first.load();
  t.equal(first.calibration?.cached, false, 'first start calibrates');
  t.equal(store.puts, 1, 'and stores the result');
  t.ok(existsSync(file));
  t.equal(first.implementation, first.calibration?.chosen, 'auto runs the path the calibration chose');
  await findsRealNonce(t, first);
  const firstCal = first.calibration;
  const firstPath = first.implementation;
  await first.close();

  // A restart: a fresh backend over the same file.
  const again = countingStore(fileCalibrationStore(file));
  const second = new NativeCpuBackend({ threads: 2, calibrationStore: again });
  const t0 = performance.now();
  await second.load();
  const loadMs = performance.now() - t0;
  t.equal(second.calibration?.cached, true, 'restart reads the stored calibration');
  t.equal(again.puts, 0, 'and measures nothing');
  t.same(second.calibration?.paths, firstCal?.paths, 'same figures');
  t.equal(second.implementation, firstPath);
  // The proof is the store's counters above; the time only shows it (a calibration's budget is 200 ms).
  t.ok(loadMs < 150, `load without calibration took ${loadMs.toFixed(1)} ms`);
  await second.close();

  // Another thread count is another key; the file then keeps both.
  const three = new NativeCpuBackend({ threads: 3, calibrationStore: again });
  await three.load();
  t.equal(three.calibration?.cached, false, 'a new thread count calibrates');
  t.equal(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object).length, 2);
  await three.close();

  // Another addon build (the key holds a hash of the addon file) finds no entry.
  const keys = Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object);
  t.ok(
    keys.every((k) => /\|addon [0-9a-f]{16}\|/.test(k)),
    `keys name the addon build: ${keys[0]}`,
  );
  const other = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(
    file,
    JSON.stringify(Object.fromEntries(Object.entries(other).map(([k, v]) => [k.replace(/\|addon [0-9a-f]{16}\|/, '|addon 0000000000000000|'), v]))),
  );
  const rebuilt = new NativeCpuBackend({ threads: 2, calibrationStore: fileCalibrationStore(file) });
  await rebuilt.load();
  t.equal(rebuilt.calibration?.cached, false, 'a rebuilt addon calibrates again');
  await rebuilt.close();

  // A damaged file is measured over and rewritten.
  writeFileSync(file, '{ not json');
  const damaged = new NativeCpuBackend({ threads: 2, calibrationStore: fileCalibrationStore(file) });
  await damaged.load();
  t.equal(damaged.calibration?.cached, false);
  t.doesNotThrow(() => JSON.parse(readFileSync(file, 'utf8')), 'rewritten as valid JSON');
  await damaged.close();
});

t.test('a forced path is used as is, without calibration', async (t) => {
  const store = countingStore(fileCalibrationStore(join(tempDir(t), 'c.json')));
  const b = new NativeCpuBackend({ threads: 1, cpuImpl: 'vec128', calibrationStore: store });
  await b.load();
  t.equal(b.implementation, 'vec128');
  t.equal(b.calibration, undefined);
  t.equal(store.gets + store.puts, 0, 'the store is not touched');
  await findsRealNonce(t, b);
  await b.close();
});

const SIMULATED: Array<{ label: string; hide: CpuFeature[]; lacks: string[] }> = [
  { label: 'without AVX-512', hide: ['avx512'], lacks: ['avx512'] },
  { label: 'without SHA-NI', hide: ['sha-ni'], lacks: ['sha-ni'] },
  { label: 'without either', hide: ['sha-ni', 'avx512'], lacks: ['sha-ni', 'avx512'] },
];

for (const sim of SIMULATED) {
  t.test(`simulated CPU ${sim.label}`, async (t) => {
    const features = addon.cpuFeatures(hideMask(sim.hide));
    for (const f of sim.lacks) t.notOk(features.paths.includes(f as never), `${f} is not reported`);
    t.same(
      features.paths,
      all.paths.filter((p) => !sim.lacks.includes(p)),
      'the other paths are',
    );

    const auto = new NativeCpuBackend({ threads: 2, hideCpuFeatures: sim.hide, calibrationStore: fileCalibrationStore(join(tempDir(t), 'c.json')) });
    await auto.load();
    const cal = auto.calibration!;
    t.same(cal.paths.map((p) => p.path).sort(), [...features.paths].sort(), 'calibration measures only what the simulated CPU runs');
    t.notOk(sim.lacks.includes(auto.implementation!), `auto chose ${auto.implementation}`);
    await findsRealNonce(t, auto);
    await auto.close();

    for (const f of sim.lacks) {
      const forced = new NativeCpuBackend({ threads: 1, cpuImpl: f as 'sha-ni' | 'avx512', hideCpuFeatures: sim.hide });
      await t.rejects(forced.load(), { code: MiningErrorCode.unavailable }, `forcing ${f} is refused`);
      // The addon refuses it too, not only the backend.
      t.throws(() => addon.cpuSearch(new Uint8Array(80), new Uint8Array(32), 0, 1, 1, f as 'sha-ni', hideMask(sim.hide)), /does not support/);
      t.throws(() => addon.cpuCalibrate(f as 'sha-ni', 1, 5, hideMask(sim.hide)), /does not support/);
    }
  });
}

t.test('setting parsers give stable error codes', async (t) => {
  t.same(parseCpuFeatures('sha-ni, avx512'), ['sha-ni', 'avx512']);
  t.same(parseCpuFeatures(['avx2', 'avx2']), ['avx2']);
  t.same(parseCpuFeatures(undefined), []);
  t.throws(() => parseCpuFeatures('sse9'), { code: MiningErrorCode.invalidArgument });
  t.equal(parseCpuImpl(undefined), 'auto');
  t.equal(parseCpuImpl('avx512'), 'avx512');
  const err = (() => {
    try {
      parseCpuImpl('fastest');
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  t.ok(hasCode(err, MiningErrorCode.invalidArgument), 'unknown path name');
});
