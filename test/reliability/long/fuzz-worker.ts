// One worker process of fuzz.long.ts (run with the TypeScript loader): `decoders <inputs> <seed>` fuzzes the
// decoder and validator targets, `api <requests> <seed>` fuzzes a real node's HTTP API. Reports one JSON line
// per chunk on stdout: {target, inputs, crashes, hangs, divergent, samples}.
import fc from 'fast-check';
import { join } from 'node:path';
import { apiPaths, apiRequests, sendFuzzRequest } from '../api-fuzz.js';
import { TARGETS, validatorTargets, type FuzzOutcome } from '../fuzz-targets.js';
import { TestNode, tempDir } from '../../p2p/support.js';
import { ensureBuilt } from '../../e2e/support.js';
import type { FuzzTally } from './fuzz-tally.js';

/** An input that takes longer than this is a hang. */
const HANG_MS = 2000;
const CHUNK = 256;

// Share of the decoder inputs per target (the rest of the budget goes to the gossip validators).
const WEIGHTS: Record<string, number> = {
  tx: 0.3,
  block: 0.12,
  meta: 0.07,
  'gossip-block-message': 0.12,
  'sync-message': 0.2,
  'record-proof': 0.09,
  'gossip-tx-validator': 0.06,
  'gossip-block-validator': 0.04,
};

function report(t: FuzzTally): void {
  process.stdout.write(`${JSON.stringify(t)}\n`);
}

function tally(target: string, outcomes: FuzzOutcome[], slow: number): FuzzTally {
  const t: FuzzTally = { target, inputs: outcomes.length, crashes: 0, hangs: slow, divergent: 0, samples: [] };
  for (const o of outcomes) {
    if (o.crash !== undefined) {
      t.crashes++;
      if (t.samples.length < 3) t.samples.push(`crash: ${o.crash.slice(0, 300)}`);
    }
    if (o.divergent !== undefined) {
      t.divergent++;
      if (t.samples.length < 3) t.samples.push(`divergent: ${o.divergent.slice(0, 300)}`);
    }
  }
  return t;
}

async function decoders(total: number, seed: number): Promise<void> {
  let chunkSeed = seed;
  for (const target of TARGETS) {
    let left = Math.ceil(total * WEIGHTS[target.name]!);
    while (left > 0) {
      const n = Math.min(CHUNK, left);
      left -= n;
      const inputs = fc.sample(target.inputs, { numRuns: n, seed: chunkSeed++ });
      const outcomes: FuzzOutcome[] = [];
      let slow = 0;
      if (target.runBatch !== undefined) {
        // Batches of 16, timed together: a batch over the hang limit counts as one hang.
        for (let i = 0; i < inputs.length; i += 16) {
          const t0 = performance.now();
          outcomes.push(...target.runBatch(inputs.slice(i, i + 16)));
          if (performance.now() - t0 > HANG_MS) slow++;
        }
      } else {
        for (const input of inputs) {
          const t0 = performance.now();
          outcomes.push(target.run(input));
          if (performance.now() - t0 > HANG_MS) slow++;
        }
      }
      report(tally(target.name, outcomes, slow));
    }
  }
  const { targets, close } = await validatorTargets();
  try {
    for (const target of targets) {
      let left = Math.ceil(total * WEIGHTS[target.name]!);
      while (left > 0) {
        const n = Math.min(CHUNK, left);
        left -= n;
        const outcomes: FuzzOutcome[] = [];
        let slow = 0;
        for (const input of fc.sample(target.inputs, { numRuns: n, seed: chunkSeed++ })) {
          const t0 = performance.now();
          outcomes.push(await target.run(input));
          if (performance.now() - t0 > HANG_MS) slow++;
        }
        report(tally(target.name, outcomes, slow));
      }
    }
  } finally {
    await close();
  }
}

async function api(total: number, seed: number): Promise<void> {
  ensureBuilt();
  const dir = await tempDir('fuzz-api-');
  const node = await TestNode.start({ datadir: join(dir.path, 'a'), mine: false, logLevel: 'warn' });
  try {
    const arb = apiRequests(await apiPaths(node.api));
    let chunkSeed = seed;
    let left = total;
    while (left > 0) {
      const n = Math.min(CHUNK, left);
      left -= n;
      const outcomes: FuzzOutcome[] = [];
      let slow = 0;
      for (const req of fc.sample(arb, { numRuns: n, seed: chunkSeed++ })) {
        const o = await sendFuzzRequest(node.api, req);
        // No answer within the request timeout is a hang, not a crash.
        if (o.crash?.includes('aborted') === true) slow++;
        else outcomes.push(o);
      }
      const t = tally('api', outcomes, slow);
      t.inputs += slow;
      report(t);
    }
    if (node.proc.exitCode !== null)
      report({ target: 'api', inputs: 0, crashes: 1, hangs: 0, divergent: 0, samples: [`the node exited with ${node.proc.exitCode}`] });
  } finally {
    await node.stop();
    await dir.cleanup();
  }
}

const [role, count, seed] = process.argv.slice(2);
if (role === 'decoders') await decoders(Number(count), Number(seed));
else if (role === 'api') await api(Number(count), Number(seed));
else throw new Error(`unknown role ${role}`);
