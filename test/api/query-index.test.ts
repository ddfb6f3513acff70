// Issue 16 items 1-4: counts, time/height ranges, kind within a subject, field selection, aggregates and CSV/NDJSON
// exports equal a brute-force recomputation from the main chain's blocks, on random chains with reorgs (fast-check
// drives the chains; every query is answered by the real store through the real API routes, fastify inject).
import { parse as parseCsv } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import t from 'tap';
import { checkConsistency } from '../utils/consistency.js';
import type { Chain } from '../../src/chain/chain.js';
import type { TreeNode } from '../../src/chain/block-tree.js';
import { assembleBlock, solveBlockSync } from '../../src/chain/template.js';
import { generateSecretKey, publicKeyFromSecret } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import type { CborMap } from '../../src/primitives/cbor.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { createApi, API_DEFAULTS } from '../../src/api/server.js';
import { CHAIN_ID, openChain, tempDir } from '../utils/chain.js';
import { bareApiContext } from './support.js';

const SUBJECTS = ['box-1', 'box-2', 'caf\u00e9-3'];
const KINDS = ['metric', 'log'];
const ACTORS = Array.from({ length: 3 }, () => generateSecretKey());
const ACTOR_HEX = ACTORS.map((sk) => toHex(publicKeyFromSecret(sk)));

interface TxSpec {
  actor: number;
  kind: number;
  subject: number; // SUBJECTS.length = none
  cpu: number;
}
interface BlockSpec {
  dt: number;
  txs: TxSpec[];
}
type Op = { reorg: false; block: BlockSpec } | { reorg: true; depth: number; blocks: BlockSpec[] };

/** One main-chain record as the brute force sees it. */
interface Rec {
  height: number;
  index: number;
  txid: string;
  kind: string;
  subject?: string;
  from: string;
  nonce: number;
  time: number;
  chainTime: number;
  cpu?: number;
}

const txSpec = fc.record({
  actor: fc.nat(ACTORS.length - 1),
  kind: fc.nat(KINDS.length - 1),
  subject: fc.nat(SUBJECTS.length),
  cpu: fc.integer({ min: -1000, max: 1000 }).map((n) => n / 8),
});
const blockSpec = fc.record({ dt: fc.oneof(fc.constant(-40), fc.integer({ min: 1, max: 90 })), txs: fc.array(txSpec, { maxLength: 4 }) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: blockSpec.map((block) => ({ reorg: false as const, block })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ depth: fc.integer({ min: 1, max: 3 }), blocks: fc.array(blockSpec, { minLength: 1, maxLength: 3 }) })
      .map((r) => ({ reorg: true as const, ...r })),
  },
);
const queryArb = fc.record({ a: fc.nat(40), b: fc.nat(40), useTime: fc.boolean(), iso: fc.boolean(), limit: fc.integer({ min: 1, max: 4 }) });

async function mainRecords(chain: Chain): Promise<Rec[]> {
  const out: Rec[] = [];
  let chainTime = 0;
  for (let h = 0; h <= chain.tip.height; h++) {
    const node = chain.tree.atHeight(h)!;
    chainTime = Math.max(chainTime, node.header.time);
    const block = (await chain.getBlock(node.hex))!;
    block.txs.forEach((tx, index) => {
      const f = tx.fields;
      const payload = f.payload as { cpuUsage?: number };
      out.push({
        height: h,
        index,
        txid: tx.txidHex,
        kind: f.kind,
        ...(f.subject === undefined ? {} : { subject: f.subject }),
        from: toHex(f.from),
        nonce: f.nonce,
        time: node.header.time,
        chainTime,
        ...(f.kind === 'metric' && typeof payload.cpuUsage === 'number' ? { cpu: payload.cpuUsage } : {}),
      });
    });
  }
  return out;
}

let tag = 0;
/** Mine a block of `spec` on `parent`, with nonces following `recs` (the chain up to `parent`). */
function build(chain: Chain, parent: TreeNode, spec: BlockSpec, recs: Rec[]): { block: ReturnType<typeof solveBlockSync>; recs: Rec[] } {
  const next = ACTOR_HEX.map((a) => recs.filter((r) => r.from === a).length);
  const txs = spec.txs.map((s) => {
    const kind = KINDS[s.kind]!;
    const subject = SUBJECTS[s.subject];
    const payload: CborMap = kind === 'metric' ? { cpuUsage: s.cpu, mem: s.actor } : { note: 'x' };
    return Transaction.sign(
      { chain: CHAIN_ID, nonce: next[s.actor]!++, time: 1_767_300_000_000, kind, ...(subject === undefined ? {} : { subject }), payload },
      ACTORS[s.actor]!,
    );
  });
  const block = solveBlockSync(
    assembleBlock(chain, { parent, txs, time: parent.header.time + spec.dt, extra: Uint8Array.of(tag >> 8, tag++ & 0xff) }),
    chain.ctx.powLimit,
  );
  const added = block.txs.map((tx, index): Rec => ({
    height: parent.height + 1,
    index,
    txid: tx.txidHex,
    kind: tx.fields.kind,
    from: toHex(tx.fields.from),
    nonce: tx.fields.nonce,
    time: 0,
    chainTime: 0,
  }));
  return { block, recs: [...recs, ...added] };
}

async function pages(app: FastifyInstance, url: string, limit: number): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  let cursor: string | undefined;
  for (let i = 0; i < 200; i++) {
    const res = await app.inject({ method: 'GET', url: `${url}&limit=${limit}${cursor === undefined ? '' : `&cursor=${cursor}`}` });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    const body = res.json<{ items: Array<Record<string, unknown>>; nextCursor?: string }>();
    out.push(...body.items);
    cursor = body.nextCursor;
    if (cursor === undefined) return out;
  }
  throw new Error('too many pages');
}

const key = (r: Record<string, unknown> | Rec): string => `${String(r.height)}/${String(r.index)}/${String(r.txid)}`;

t.test('counts, ranges, aggregates and exports equal a brute force over random chains with reorgs', async (t) => {
  let runs = 0;
  let reorgs = 0;
  let backwards = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 9 }), fc.array(queryArb, { minLength: 2, maxLength: 3 }), async (ops, queries) => {
      const dir = await tempDir('query-index-');
      const { chain, store } = await openChain(dir.path);
      const { ctx } = bareApiContext(chain, store);
      const app = await createApi({ ...API_DEFAULTS, rateLimitPerMinute: 0 }, { ctx });
      try {
        for (const o of ops) {
          const recs = await mainRecords(chain);
          if (!o.reorg) {
            await chain.processBlock(build(chain, chain.tip, o.block, recs).block);
            continue;
          }
          // A branch from `depth` blocks below the tip, one block longer: it takes over the main chain.
          const forkHeight = Math.max(0, chain.tip.height - o.depth);
          let parent = chain.tree.atHeight(forkHeight)!;
          let branchRecs = recs.filter((r) => r.height <= forkHeight);
          const specs = [...o.blocks];
          while (specs.length < chain.tip.height - forkHeight + 1) specs.push({ dt: 5, txs: [] });
          // Difficulty follows block times (ASERT): the branch grows until it has the most work.
          for (let i = 0; i < specs.length || (chain.tip !== parent && i < specs.length + 6); i++) {
            const built = build(chain, parent, specs[i] ?? { dt: 1, txs: [] }, branchRecs);
            branchRecs = built.recs;
            await chain.processBlock(built.block, { requested: true });
            parent = chain.tree.get(built.block.hash)!;
          }
          if (chain.tip !== parent) throw new Error('the longer branch did not take over');
          reorgs++;
        }
        await chain.idle();
        const recs = await mainRecords(chain);
        for (let h = 1; h <= chain.tip.height; h++) if (chain.tree.atHeight(h)!.header.time < chain.tree.atHeight(h - 1)!.header.time) backwards++;
        const report = await checkConsistency(chain);
        if (!report.ok) throw new Error(`inconsistent store: ${report.problems.join('; ')}`);

        // 1. Counts.
        const get = async (url: string): Promise<Record<string, unknown>> => {
          const res = await app.inject({ method: 'GET', url });
          if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
          return res.json();
        };
        for (const s of SUBJECTS) {
          if ((await get(`/subjects/${encodeURIComponent(s)}/count`)).count !== recs.filter((r) => r.subject === s).length)
            throw new Error(`count of subject ${s}`);
          for (const k of KINDS) {
            if ((await get(`/subjects/${encodeURIComponent(s)}/count?kind=${k}`)).count !== recs.filter((r) => r.subject === s && r.kind === k).length)
              throw new Error(`count of ${s}/${k}`);
          }
        }
        for (const k of KINDS) if ((await get(`/kinds/${k}/count`)).count !== recs.filter((r) => r.kind === k).length) throw new Error(`count of kind ${k}`);
        for (const a of ACTOR_HEX)
          if ((await get(`/accounts/${a}/count`)).count !== recs.filter((r) => r.from === a).length) throw new Error(`count of actor ${a}`);

        // 2. Ranges on every index, paged with small limits (cursor pagination), in chain order.
        const times = recs.length === 0 ? [chain.tip.header.time] : recs.map((r) => r.chainTime);
        const tMin = Math.min(...times) - 60;
        for (const q of queries) {
          const lo = Math.min(q.a, q.b);
          const hi = Math.max(q.a, q.b);
          let params: string;
          let inRange: (r: Rec) => boolean;
          if (q.useTime) {
            const since = tMin + lo * 30;
            const until = tMin + hi * 30;
            const fmt = (s: number): string => (q.iso ? new Date(s * 1000).toISOString() : String(s));
            params = `since=${encodeURIComponent(fmt(since))}&until=${encodeURIComponent(fmt(until))}`;
            inRange = (r) => r.chainTime >= since && r.chainTime <= until;
          } else {
            params = `fromHeight=${lo % 12}&toHeight=${hi % 12 < lo % 12 ? lo % 12 : hi % 12}`;
            inRange = (r) => r.height >= lo % 12 && r.height <= (hi % 12 < lo % 12 ? lo % 12 : hi % 12);
          }
          const lists: Array<[string, (r: Rec) => boolean]> = [
            ...KINDS.map((k): [string, (r: Rec) => boolean] => [`/kinds/${k}/actions`, (r) => r.kind === k]),
            ...SUBJECTS.map((s): [string, (r: Rec) => boolean] => [`/subjects/${encodeURIComponent(s)}/actions`, (r) => r.subject === s]),
            ...SUBJECTS.map((s): [string, (r: Rec) => boolean] => [
              `/subjects/${encodeURIComponent(s)}/actions?kind=metric`,
              (r) => r.subject === s && r.kind === 'metric',
            ]),
            ...ACTOR_HEX.map((a): [string, (r: Rec) => boolean] => [`/accounts/${a}/actions`, (r) => r.from === a]),
          ];
          // Counts within the range: from the ordinals of its first and last index entries.
          for (const k of KINDS) {
            if ((await get(`/kinds/${k}/count?${params}`)).count !== recs.filter((r) => r.kind === k && inRange(r)).length)
              throw new Error(`count of kind ${k} in ${params}`);
          }
          for (const s of SUBJECTS) {
            if ((await get(`/subjects/${encodeURIComponent(s)}/count?${params}`)).count !== recs.filter((r) => r.subject === s && inRange(r)).length)
              throw new Error(`count of ${s} in ${params}`);
            if (
              (await get(`/subjects/${encodeURIComponent(s)}/count?kind=log&${params}`)).count !==
              recs.filter((r) => r.subject === s && r.kind === 'log' && inRange(r)).length
            )
              throw new Error(`count of ${s}/log in ${params}`);
          }
          for (const [path, match] of lists) {
            const want = recs.filter((r) => match(r) && inRange(r));
            const url = `${path}${path.includes('?') ? '&' : '?'}${params}&fields=txid,height,index,kind,subject,from,nonce,time`;
            const got = await pages(app, url, q.limit);
            if (JSON.stringify(got.map(key)) !== JSON.stringify(want.map(key)))
              throw new Error(`${url}: got ${got.map(key).join(' ')}, want ${want.map(key).join(' ')}`);
            for (const [i, g] of got.entries()) {
              const w = want[i]!;
              if (g.kind !== w.kind || g.subject !== w.subject || g.from !== w.from || g.nonce !== w.nonce || g.time !== w.time)
                throw new Error(`${url}: row ${i} fields differ`);
            }
            const back = await pages(app, `${url}&reverse=true`, q.limit);
            if (JSON.stringify(back.map(key)) !== JSON.stringify(want.map(key).reverse())) throw new Error(`${url}&reverse=true: wrong order`);
          }

          // 3. Aggregates of metric cpuUsage per subject and bucket.
          for (const s of SUBJECTS) {
            const bucket = 60 * (1 + (q.limit % 3));
            const body = await get(`/subjects/${encodeURIComponent(s)}/aggregate?field=cpuUsage&bucket=${bucket}s&${params}`);
            const pts = recs.filter((r) => r.subject === s && r.kind === 'metric' && r.cpu !== undefined && inRange(r));
            const want = new Map<number, { count: number; min: number; max: number; sum: number; last: number }>();
            for (const p of pts) {
              const start = Math.floor(p.time / bucket) * bucket;
              const b = want.get(start) ?? { count: 0, min: Infinity, max: -Infinity, sum: 0, last: 0 };
              b.count++;
              b.min = Math.min(b.min, p.cpu!);
              b.max = Math.max(b.max, p.cpu!);
              b.sum += p.cpu!;
              b.last = p.cpu!;
              want.set(start, b);
            }
            const wantList = [...want]
              .sort(([a], [b]) => a - b)
              .map(([start, b]) => ({ start, count: b.count, min: b.min, max: b.max, mean: b.sum / b.count, last: b.last }));
            if (body.count !== pts.length || JSON.stringify(body.buckets) !== JSON.stringify(wantList))
              throw new Error(`aggregate ${s} ${params}: got ${JSON.stringify(body)}, want ${JSON.stringify(wantList)}`);
          }
        }

        // 4. Exports parse with an independent CSV parser and as JSON lines, and hold the same rows.
        const want = recs.filter((r) => r.kind === 'metric');
        const csv = await app.inject({ method: 'GET', url: '/kinds/metric/actions?format=csv&fields=height,index,txid,subject,payload' });
        if (csv.statusCode !== 200 || !String(csv.headers['content-type']).startsWith('text/csv')) throw new Error(`csv export: ${csv.statusCode}`);
        const rows = parseCsv(csv.body, { columns: true }) as Array<Record<string, string>>;
        if (
          JSON.stringify(
            rows.map(
              (r) => `${r.height}/${r.index}/${r.txid}/${r.subject}/${r.payload === '' ? '' : (JSON.parse(r.payload!) as { cpuUsage: number }).cpuUsage}`,
            ),
          ) !== JSON.stringify(want.map((r) => `${r.height}/${r.index}/${r.txid}/${r.subject ?? ''}/${r.cpu}`))
        ) {
          throw new Error(`csv export rows differ: ${csv.body}`);
        }
        const nd = await app.inject({ method: 'GET', url: '/kinds/metric/actions?fields=height,index,txid', headers: { accept: 'application/x-ndjson' } });
        const lines = nd.body
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        if (JSON.stringify(lines.map(key)) !== JSON.stringify(want.map(key))) throw new Error('ndjson export rows differ');
        runs++;
      } finally {
        await app.close();
        await chain.idle();
        await store.close();
        await dir.cleanup();
      }
    }),
    { numRuns: 12, seed: 1616, endOnFailure: true },
  );
  t.equal(runs, 12, 'every random chain agreed with the brute force');
  t.ok(reorgs >= 3, `the chains went through reorgs (${reorgs})`);
  t.ok(backwards >= 3, `block times went backwards on the main chains (${backwards} times): ranges use the chain time`);
});

t.test('bad query parameters get stable codes', async (t) => {
  const dir = await tempDir('query-bad-');
  const { chain, store } = await openChain(dir.path);
  const { ctx } = bareApiContext(chain, store);
  const app = await createApi({ ...API_DEFAULTS, rateLimitPerMinute: 0 }, { ctx });
  t.teardown(async () => {
    await app.close();
    await store.close();
    await dir.cleanup();
  });
  await chain.processBlock(build(chain, chain.tip, { dt: 1, txs: [{ actor: 0, kind: 0, subject: 0, cpu: 1 }] }, []).block);
  const cases: Array<[string, number, string]> = [
    ['/kinds/metric/actions?since=yesterday', 400, 'QUERY_BAD_TIME'],
    ['/kinds/metric/actions?until=2026-13-45T99:00:00Z', 400, 'QUERY_BAD_TIME'],
    ['/kinds/metric/actions?fromHeight=5&toHeight=2', 400, 'QUERY_BAD_RANGE'],
    ['/kinds/metric/actions?since=2000&until=1000', 400, 'QUERY_BAD_RANGE'],
    ['/subjects/box-1/actions?fields=txid,secret', 400, 'QUERY_BAD_FIELDS'],
    ['/kinds/metric/actions?format=xml', 400, 'BAD_REQUEST'],
    ['/kinds/metric/actions?fromHeight=-1', 400, 'BAD_REQUEST'],
    ['/kinds/metric/actions?cursor=zz', 400, 'BAD_REQUEST'],
    ['/kinds/metric/actions?cursor=abc', 400, 'STORE_BAD_CURSOR'],
    ['/kinds/metric/actions?cursor=abc&format=csv', 400, 'STORE_BAD_CURSOR'],
    ['/kinds/metric/actions?since=soon&format=ndjson', 400, 'QUERY_BAD_TIME'],
    ['/subjects/box-1/count?until=x', 400, 'QUERY_BAD_TIME'],
    ['/subjects/box-1/aggregate', 400, 'BAD_REQUEST'],
    ['/subjects/box-1/aggregate?field=cpuUsage&bucket=1y', 400, 'QUERY_BAD_BUCKET'],
    ['/subjects/box-1/aggregate?field=cpuUsage&bucket=0s', 400, 'QUERY_BAD_BUCKET'],
    ['/subjects/box-1/aggregate?field=cpuUsage&kind=log', 400, 'QUERY_KIND_NOT_AGGREGATED'],
    ['/subjects/nobody/latest', 404, 'NOT_FOUND'],
    ['/accounts/zz/count', 400, 'BAD_REQUEST'],
  ];
  for (const [url, status, code] of cases) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, status, `${url}: status`);
    t.equal(res.json<{ error: { code: string } }>().error.code, code, `${url}: ${code}`);
  }
  const latest = await app.inject({ method: 'GET', url: '/subjects/box-1/latest?fields=kind,payload' });
  t.same(latest.json(), { kind: 'metric', payload: { mem: 0, cpuUsage: 1 } }, 'latest with fields');
});
