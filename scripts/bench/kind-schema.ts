// Cost of the kind-schema admission policy (issue 15 item 5): the same 20,000 fresh `metric` transactions from
// 2,000 actors admitted through Mempool.addMany in batches of 1,000 as API submissions, with the policy and
// without it (the baseline, measured in the same run, alternating, best of three each), plus the policy check
// alone per transaction (CBOR to JSON and ajv).
import { KindPolicy } from '../../src/kinds/policy.js';
import { KindRegistry } from '../../src/kinds/registry.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { presignMetrics } from './lib/presign.js';

const ACTORS = 2_000;
const PER_ACTOR = 10;
const BATCH = 1_000;
const CHAIN = new Uint8Array(32).fill(0x42);
const SOURCE = 'api:127.0.0.1';

async function admit(raw: readonly Uint8Array[], policy: KindPolicy | undefined): Promise<number> {
  const pool = new Mempool(
    { maxCount: raw.length + 1_000 },
    { chainId: CHAIN, nextNonce: () => Promise.resolve(0), ...(policy === undefined ? {} : { policy }) },
  );
  const txs = raw.map((b) => Transaction.decode(b));
  const t0 = performance.now();
  let ok = 0;
  for (let i = 0; i < txs.length; i += BATCH) for (const r of await pool.addMany(txs.slice(i, i + BATCH), SOURCE)) if (r.ok) ok++;
  const s = (performance.now() - t0) / 1000;
  if (ok !== txs.length) throw new Error(`only ${ok} of ${txs.length} admitted`);
  return txs.length / s;
}

/** Run the benchmark. */
export async function run(): Promise<void> {
  const raw = presignMetrics(CHAIN, ACTORS, PER_ACTOR);
  const policy = new KindPolicy({}, { registry: new KindRegistry() });
  let base = 0;
  let withPolicy = 0;
  for (let round = 0; round < 3; round++) {
    base = Math.max(base, await admit(raw, undefined));
    withPolicy = Math.max(withPolicy, await admit(raw, policy));
  }
  const txs = raw.map((b) => Transaction.decode(b));
  const t0 = performance.now();
  for (const tx of txs) if (policy.check(tx, SOURCE) !== undefined) throw new Error('a valid payload failed');
  const perTxUs = ((performance.now() - t0) * 1000) / txs.length;
  console.log(`BENCH kind_schema_admission_baseline ${base.toFixed(0)} tx/s`);
  console.log(`BENCH kind_schema_admission_with_policy ${withPolicy.toFixed(0)} tx/s`);
  console.log(`BENCH kind_schema_admission_ratio ${(withPolicy / base).toFixed(3)} ratio`);
  console.log(`BENCH kind_schema_check_per_tx ${perTxUs.toFixed(2)} us`);
}
