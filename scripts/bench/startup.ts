// Node start until the API answers (issue 15, item 7): spawn `chain-node start` (regtest, fresh datadir, API on a
// free port) and poll GET /health from the spawn on; p50/p95 over N starts per variant, the variants interleaved so
// a busy machine weighs on all of them alike. The baseline loads what a start loaded before (libp2p, preloaded
// with --import, and no compile cache: the CLI module is imported directly instead of through bin/chain-node); the
// modules variant runs the same code as the bundle (bin/chain-node) from dist/bin's modules.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/package-root.js';

const STARTS = 12;

interface Variant {
  name: string;
  what: string;
  args: string[];
  baseline?: boolean;
  /** Run dist/bin/cli.js's modules (with the compile cache) instead of bin/chain-node's bundle. */
  modules?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'startup_api', what: 'regtest, --no-p2p --no-mine', args: ['--no-p2p', '--no-mine'] },
  { name: 'startup_api_modules', what: 'same, the modules instead of the bundle (compile cache on)', args: ['--no-p2p', '--no-mine'], modules: true },
  {
    name: 'startup_api_baseline_eager_libp2p_no_compile_cache',
    what: 'same, loading what the previous start loaded',
    args: ['--no-p2p', '--no-mine'],
    baseline: true,
  },
  { name: 'startup_api_mining', what: 'regtest, --no-p2p, mining (CPU calibration at each fresh datadir)', args: ['--no-p2p', '--mine'] },
  {
    name: 'startup_api_p2p',
    what: 'regtest with p2p (loopback, no mDNS), --no-mine',
    args: ['--p2p-host', '127.0.0.1', '--p2p-port', '0', '--no-mdns', '--no-mine'],
  },
];

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => res(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

// CPU time (user + system, all threads) the process used so far, from /proc (Linux); NaN elsewhere.
function cpuMs(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks (100 Hz).
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Milliseconds from spawn until GET /health answers 200, and the node's CPU milliseconds by then. */
async function oneStart(v: Variant): Promise<{ ms: number; cpu: number }> {
  const root = packageRoot();
  const datadir = await mkdtemp(join(tmpdir(), 'bench-startup-'));
  const port = await freePort();
  const cli = ['start', '--network', 'regtest', '--datadir', datadir, '--api-port', String(port), '--log-level', 'warn', '--log-pretty', 'never', ...v.args];
  const nodeArgs =
    v.baseline === true
      ? [
          '--max-semi-space-size=16',
          '--import',
          pathToFileURL(join(root, 'dist', 'src', 'p2p', 'network.js')).href,
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'bin', 'cli.js')).href)}); await m.main([process.argv[0], 'chain-node', ...process.argv.slice(1)]);`,
          '--',
          ...cli,
        ]
      : v.modules === true
        ? [
            '--max-semi-space-size=16',
            '--input-type=module',
            '-e',
            `process.getBuiltinModule('node:module').enableCompileCache(); const m = await import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'bin', 'cli.js')).href)}); await m.main([process.argv[0], 'chain-node', ...process.argv.slice(1)]);`,
            '--',
            ...cli,
          ]
        : ['--max-semi-space-size=16', join(root, 'bin', 'chain-node'), ...cli];
  const started = performance.now();
  const child = spawn(process.execPath, nodeArgs, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  let exited = false;
  const exit = new Promise<void>((r) =>
    child.once('exit', () => {
      exited = true;
      r();
    }),
  );
  try {
    for (;;) {
      if (exited) throw new Error(`node exited before answering: ${err}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        if (res.ok) return { ms: performance.now() - started, cpu: cpuMs(child.pid) };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exit;
    clearTimeout(t);
    await rm(datadir, { recursive: true, force: true });
  }
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/** Runs the benchmark: a table, then `BENCH <metric> <value> ms` lines (p50 and p95 per variant). */
export async function run(): Promise<void> {
  // One start first: fills Node's compile cache as any earlier start on this machine would have.
  await oneStart(VARIANTS[0]!);
  const times = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
  const cpu = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
  for (let i = 0; i < STARTS; i++) {
    for (const v of VARIANTS) {
      const r = await oneStart(v);
      times.get(v.name)!.push(r.ms);
      cpu.get(v.name)!.push(r.cpu);
    }
  }
  // Wall time is what a test suite waits; the node's CPU time by then (all its threads) varies less with the
  // machine's load, and is the figure to compare on a busy machine.
  console.log(`start until GET /health answers, ${STARTS} starts each (interleaved):`);
  for (const v of VARIANTS) {
    const xs = times.get(v.name)!;
    const cs = cpu.get(v.name)!;
    console.log(
      `  ${v.what.padEnd(70)} wall p50 ${pct(xs, 50).toFixed(0).padStart(5)} ms  p95 ${pct(xs, 95).toFixed(0).padStart(5)} ms  min ${Math.min(...xs)
        .toFixed(0)
        .padStart(5)} ms; CPU p50 ${pct(cs, 50).toFixed(0)} ms`,
    );
  }
  for (const v of VARIANTS) {
    const xs = times.get(v.name)!;
    console.log(`BENCH ${v.name}_p50 ${pct(xs, 50).toFixed(0)} ms`);
    console.log(`BENCH ${v.name}_p95 ${pct(xs, 95).toFixed(0)} ms`);
    console.log(`BENCH ${v.name}_cpu_p50 ${pct(cpu.get(v.name)!, 50).toFixed(0)} ms`);
  }
}
