// Fast part of issue 12's fuzzing (the long run is long/fuzz.long.ts): a few thousand inputs across the decoders,
// the gossip validators and the mempool/block/sync divergence check. fast-check prints the seed and the shrunk
// input of any failure.
import fc from 'fast-check';
import t from 'tap';
import { verifyRecordProof } from '../../src/consensus/record-proof.js';
import { SEED_PROOF } from './fuzz-inputs.js';
import { TARGETS, validatorTargets, type FuzzOutcome } from './fuzz-targets.js';

const RUNS: Record<string, number> = { tx: 800, block: 400, meta: 300, 'gossip-block-message': 400, 'sync-message': 600, 'record-proof': 400 };

const clean = (o: FuzzOutcome): boolean => o.crash === undefined && o.divergent === undefined;

for (const target of TARGETS) {
  t.test(`fuzz ${target.name}: no crash, no divergent verdict`, async (t) => {
    let n = 0;
    fc.assert(
      fc.property(target.inputs, (input) => {
        n++;
        const o = target.run(input);
        if (!clean(o)) throw new Error(o.crash ?? `divergent: ${o.divergent}`);
      }),
      { numRuns: RUNS[target.name] ?? 300 },
    );
    t.ok(n >= (RUNS[target.name] ?? 300), `${n} inputs`);
  });
}

t.test('fuzz the gossip validators on a real chain and mempool', async (t) => {
  const { targets, close } = await validatorTargets();
  t.teardown(close);
  for (const target of targets) {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(target.inputs, async (input) => {
        n++;
        const o = await target.run(input);
        if (!clean(o)) throw new Error(o.crash ?? `divergent: ${o.divergent}`);
      }),
      { numRuns: 300 },
    );
    t.ok(n >= 300, `${target.name}: ${n} inputs`);
  }
});

t.test('fuzz finding: a record proof whose version is an object without a prototype is refused, not thrown', async (t) => {
  const r = verifyRecordProof({ ...SEED_PROOF, version: Object.create(null) as unknown as number });
  t.same([r.valid, r.valid ? undefined : r.code], [false, 'PROOF_VERSION']);
});
