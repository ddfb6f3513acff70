// Long fuzz run of issue 12's reliability suite: `node test/reliability/long/fuzz.long.ts [--inputs N] [--api N]
// [--workers N] [--seed N]`. Fuzzes the transaction (with the mempool/block/sync divergence check), block, meta,
// gossip block message, sync message and record-proof decoders and the gossip validators in worker processes
// (one per core at most, default 2), then a real node's HTTP API; at least 1,000,000 inputs by default. Prints
// `RELIABILITY fuzz_inputs|fuzz_crashes|fuzz_hangs|fuzz_divergent <n>` and exits non-zero unless the last three
// are 0. A worker silent for WATCHDOG_MS is killed and counted as a hang. Runs the TypeScript sources directly
// (no build needed except for the API node, which the worker builds when dist/ is stale).
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { FuzzTally } from './fuzz-tally.js';

const WATCHDOG_MS = 120_000;
const WORKER = fileURLToPath(new URL('./fuzz-worker.ts', import.meta.url));
const LOADER = pathToFileURL(fileURLToPath(new URL('../../chain/ts-strip-loader.mjs', import.meta.url))).href;

const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: '1000000' },
    api: { type: 'string', default: '5000' },
    workers: { type: 'string', default: String(Math.min(2, availableParallelism())) },
    seed: { type: 'string', default: String(Date.now() % 1_000_000_000) },
  },
});
const decoderInputs = Number(values.inputs);
const apiInputs = Number(values.api);
const workers = Math.max(1, Math.min(Number(values.workers), availableParallelism()));
const seed = Number(values.seed);

const totals = new Map<string, FuzzTally>();
const samples: string[] = [];

function add(t: FuzzTally): void {
  const s = totals.get(t.target) ?? { target: t.target, inputs: 0, crashes: 0, hangs: 0, divergent: 0, samples: [] };
  s.inputs += t.inputs;
  s.crashes += t.crashes;
  s.hangs += t.hangs;
  s.divergent += t.divergent;
  totals.set(t.target, s);
  for (const x of t.samples) if (samples.length < 20) samples.push(`${t.target}: ${x}`);
}

/** Run one worker to its end; a worker that crashes or goes silent counts as a crash or a hang. */
function runWorker(args: string[]): Promise<void> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--experimental-transform-types', '--no-warnings', `--import=${LOADER}`, WORKER, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    let err = '';
    let hung = false;
    let timer = setTimeout(onSilence, WATCHDOG_MS);
    function onSilence(): void {
      hung = true;
      p.kill('SIGKILL');
    }
    p.stdout.on('data', (d: Buffer) => {
      clearTimeout(timer);
      timer = setTimeout(onSilence, WATCHDOG_MS);
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('{')) add(JSON.parse(line) as FuzzTally);
      }
    });
    p.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      const who = `worker ${args.join(' ')}`;
      if (hung) add({ target: 'worker', inputs: 0, crashes: 0, hangs: 1, divergent: 0, samples: [`${who}: silent for ${WATCHDOG_MS} ms, killed`] });
      else if (code !== 0)
        add({ target: 'worker', inputs: 0, crashes: 1, hangs: 0, divergent: 0, samples: [`${who}: exited with ${code ?? signal}: ${err.slice(-1500)}`] });
      resolve();
    });
  });
}

const started = Date.now();
const progress = setInterval(() => {
  const n = [...totals.values()].reduce((a, t) => a + t.inputs, 0);
  process.stderr.write(`fuzz: ${n} inputs after ${Math.round((Date.now() - started) / 1000)} s\n`);
}, 30_000);
const share = Math.ceil(decoderInputs / workers);
await Promise.all(Array.from({ length: workers }, (_, i) => runWorker(['decoders', String(share), String(seed + i * 1_000_003)])));
if (apiInputs > 0) await runWorker(['api', String(apiInputs), String(seed + 7)]);
clearInterval(progress);

const all = [...totals.values()];
const sum = (k: 'inputs' | 'crashes' | 'hangs' | 'divergent'): number => all.reduce((a, t) => a + t[k], 0);
console.log(`fuzz seed ${seed}, ${workers} worker(s), ${Math.round((Date.now() - started) / 1000)} s`);
console.log('target                      inputs  crashes  hangs  divergent');
for (const t of all)
  console.log(
    `${t.target.padEnd(24)} ${String(t.inputs).padStart(9)} ${String(t.crashes).padStart(8)} ${String(t.hangs).padStart(6)} ${String(t.divergent).padStart(10)}`,
  );
for (const s of samples) console.log(`  ${s}`);
console.log(`RELIABILITY fuzz_inputs ${sum('inputs')}`);
console.log(`RELIABILITY fuzz_crashes ${sum('crashes')}`);
console.log(`RELIABILITY fuzz_hangs ${sum('hangs')}`);
console.log(`RELIABILITY fuzz_divergent ${sum('divergent')}`);
process.exitCode = sum('crashes') + sum('hangs') + sum('divergent') === 0 && sum('inputs') >= decoderInputs + apiInputs ? 0 : 1;
