// The native CPU mining path chosen by measurement, end to end: `chain-node bench --json` lists every path with
// its figure and the one `auto` chose; a node calibrates at start (figures in GET /mining, the log and metrics),
// a restart reads them back from the datadir, `--cpu-path` forces a path and CHAIN_NODE_CPU_HIDE simulates an
// older CPU.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { defaultNativeLoader } from '../../src/mining/native-addon.js';
import { ensureBuilt, http, json, runCli, startNode, tempDir } from './support.js';

ensureBuilt();

const supported = defaultNativeLoader().load().cpuFeatures().paths;

interface BenchJson {
  rows: Array<{ backend: string; impl: string; hashesPerSec: number; auto?: boolean }>;
  cpuPaths: { auto: string; paths: Array<{ path: string; hashesPerSec: number }>; calibration: { ms: number; chosen: string } };
}

interface MiningJson {
  cpuPath: string | null;
  cpuCalibration: { chosen: string; cached: boolean; ms: number; paths: Array<{ path: string; hashesPerSecond: number }> } | null;
}

// The scanners stop at their 200 ms budget; a loaded machine stretches the wall time around them, not the budget.
const CALIBRATION_BOUND_MS = 1_000;

t.test('bench --json lists every CPU path with its figure and the one auto chose', async (t) => {
  const dir = tempDir(t);
  const r = await runCli(['bench', '--json', '--seconds', '0.1'], { home: dir, timeoutMs: 120_000 });
  t.equal(r.code, 0, r.stderr);
  const b = json<BenchJson>(r);
  t.same(b.cpuPaths.paths.map((p) => p.path).sort(), [...supported].sort(), 'every path this CPU runs');
  for (const p of b.cpuPaths.paths) t.ok(p.hashesPerSec > 0, `${p.path} ${p.hashesPerSec} H/s`);
  t.ok(supported.includes(b.cpuPaths.auto as never), `auto chose ${b.cpuPaths.auto}`);
  t.equal(b.cpuPaths.calibration.chosen, b.cpuPaths.auto);
  // Bounded, not timed: its 200 ms budget's cost on a quiet machine is in `npm run bench -- startup` (mining).
  t.ok(b.cpuPaths.calibration.ms < CALIBRATION_BOUND_MS, `calibration took ${b.cpuPaths.calibration.ms} ms`);
  const native = b.rows.filter((row) => row.backend === 'native-cpu');
  t.same(native.map((row) => row.impl).sort(), [...supported].sort(), 'one native-cpu row per path');
  t.same(
    native.filter((row) => row.auto === true).map((row) => row.impl),
    [b.cpuPaths.auto],
    'exactly one row marked auto',
  );

  const hidden = await runCli(['bench', '--json', '--seconds', '0.05', '--hide-cpu', 'sha-ni,avx512'], { home: dir, timeoutMs: 120_000 });
  t.equal(hidden.code, 0, hidden.stderr);
  const h = json<BenchJson>(hidden);
  t.same(
    h.cpuPaths.paths.map((p) => p.path).sort(),
    supported.filter((p) => p !== 'sha-ni' && p !== 'avx512').sort(),
    'simulated CPU without SHA-NI and AVX-512',
  );
  t.notOk(['sha-ni', 'avx512'].includes(h.cpuPaths.auto));
});

t.test('a node calibrates at start, exposes the figures, and skips calibration on restart', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const args = ['--api-port', '0', '--miner-backend', 'native-cpu', '--threads', '1'];
  const first = await startNode(t, { datadir, home: dir, mine: true, args, env: { CHAIN_NODE_LOG_LEVEL: 'info' } });
  const m1 = (await http(`${first.url}/mining`)).body as unknown as MiningJson;
  t.ok(m1.cpuCalibration !== null, 'calibration in GET /mining');
  t.equal(m1.cpuCalibration!.cached, false, 'measured at this start');
  t.equal(m1.cpuPath, m1.cpuCalibration!.chosen, 'mining with the path it chose');
  t.same(m1.cpuCalibration!.paths.map((p) => p.path).sort(), [...supported].sort());
  t.ok(m1.cpuCalibration!.ms < CALIBRATION_BOUND_MS, `calibration took ${m1.cpuCalibration!.ms} ms`);
  const metrics = await (await fetch(`${first.url}/metrics`)).text();
  t.match(metrics, new RegExp(`chain_node_mining_cpu_path_selected\\{path="${m1.cpuPath}"\\} 1`), 'selected path in metrics');
  for (const p of m1.cpuCalibration!.paths) {
    t.match(
      metrics,
      new RegExp(`chain_node_mining_cpu_path_calibrated_hashes_per_second\\{path="${p.path}"\\} ${p.hashesPerSecond}\\b`),
      `${p.path} figure in metrics`,
    );
  }
  t.ok(readFileSync(join(datadir, 'cpu-calibration.json'), 'utf8').includes(m1.cpuCalibration!.chosen), 'kept in the datadir');
  t.equal(await first.stop(), 0);
  // Read after exit: the log stream is flushed by then.
  t.match(first.stdout(), /cpu mining paths calibrated/, 'figures logged');

  const second = await startNode(t, { datadir, home: dir, mine: true, args });
  const m2 = (await http(`${second.url}/mining`)).body as unknown as MiningJson;
  t.equal(m2.cpuCalibration?.cached, true, 'restart read the calibration back');
  t.same(m2.cpuCalibration?.paths, m1.cpuCalibration!.paths, 'same figures');
  t.equal(m2.cpuPath, m1.cpuPath);
  t.equal(await second.stop(), 0);
});

t.test('--cpu-path forces a path; CHAIN_NODE_CPU_HIDE simulates an older CPU', async (t) => {
  const dir = tempDir(t);
  const forced = await startNode(t, {
    datadir: join(dir, 'a'),
    home: dir,
    mine: true,
    args: ['--api-port', '0', '--miner-backend', 'native-cpu', '--threads', '1', '--cpu-path', 'vec128'],
  });
  const m = (await http(`${forced.url}/mining`)).body as unknown as MiningJson;
  t.equal(m.cpuPath, 'vec128');
  t.equal(m.cpuCalibration, null, 'no calibration for a forced path');
  await forced.stop();

  const old = await startNode(t, {
    datadir: join(dir, 'b'),
    home: dir,
    mine: true,
    args: ['--api-port', '0', '--miner-backend', 'native-cpu', '--threads', '1'],
    env: { CHAIN_NODE_CPU_HIDE: 'sha-ni,avx512' },
  });
  const o = (await http(`${old.url}/mining`)).body as unknown as MiningJson;
  t.notOk(['sha-ni', 'avx512'].includes(o.cpuPath ?? ''), `simulated CPU mines with ${o.cpuPath}`);
  t.same(o.cpuCalibration?.paths.map((p) => p.path).sort(), supported.filter((p) => p !== 'sha-ni' && p !== 'avx512').sort());
  await old.stop();
});
