// Exports read the rows of blocks a page holds many of (DENSE_BLOCK_ROWS) from the block bodies, the others from
// their tx records: both give the same rows as the JSON pages (which always read the records), and a ref whose
// position no longer holds its transaction (a reorg between the index read and the rows) is left out.
import { parse as parseCsv } from 'csv-parse/sync';
import t from 'tap';
import { createApi, API_DEFAULTS } from '../../src/api/server.js';
import { denseHeights, DENSE_BLOCK_ROWS, resolveRows, type ItemRef } from '../../src/api/query/rows.js';
import type { RowField } from '../../src/api/query/params.js';
import { readTxRow } from '../../src/primitives/tx-row.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { toHex } from '../../src/util/bytes.js';
import { Actor, mine, openChain, tempDir } from '../utils/chain.js';
import { bareApiContext } from './support.js';

const FIELDS = 'height,index,time,blockHash,txid,kind,subject,from,nonce,txTime,payload';

t.test('readTxRow reads the row fields a full decode gives, whatever the payload', async (t) => {
  const a = new Actor();
  const payloads: unknown[] = [{ cpuUsage: 0.1, memoryMB: 256 }, { n: -3, big: 2 ** 53 - 1, f: 1e300, s: 'x,"y"' }, [1, [2, [3]]], 'text', null, true, {}];
  for (const [i, payload] of payloads.entries()) {
    for (const subject of [undefined, 'box-1', 'caf\u00e9-\u{1f600}']) {
      const tx = a.tx(i % 2 === 0 ? 'metric' : 'k\u00e9nd', subject, payload);
      const row = readTxRow(tx.bytes);
      const f = Transaction.decode(tx.bytes).fields;
      t.same(
        { ...row, from: toHex(row.from) },
        { from: toHex(f.from), nonce: f.nonce, time: f.time, kind: f.kind, ...(subject === undefined ? {} : { subject }) },
      );
    }
  }
  t.throws(() => readTxRow(Uint8Array.of(0x80)), { code: 'DECODE_MALFORMED' });
  t.throws(() => readTxRow(a.tx().bytes.subarray(0, 40)), { code: 'DECODE_MALFORMED' });
});

t.test('exports read dense blocks from their bodies and give the rows of the JSON pages', async (t) => {
  const dir = await tempDir('export-bodies-');
  const { chain, store } = await openChain(dir.path);
  t.teardown(async () => {
    await store.close();
    await dir.cleanup();
  });
  const actors = Array.from({ length: 4 }, () => new Actor());
  // Blocks of 150 and 40 records: the first are dense in a page of the kind's export, the small one is not.
  for (const size of [150, 40, 150]) {
    const txs = Array.from({ length: size }, (_, i) => {
      const a = actors[i % actors.length]!;
      return a.tx(i % 5 === 0 ? 'log' : 'metric', i % 3 === 0 ? undefined : `box-${i % 7}`, { cpuUsage: i / 8, note: i % 2 === 0 ? 'a,"b"' : 'c' });
    });
    await chain.processBlock(mine(chain, txs));
  }
  await chain.idle();
  const { ctx } = bareApiContext(chain, store);
  const app = await createApi({ ...API_DEFAULTS, rateLimitPerMinute: 0 }, { ctx });
  t.teardown(() => app.close());

  const page = await store.query.kind('metric', {}, { limit: 1000 });
  t.same([...denseHeights(page.items)], [1, 3], `blocks with >= ${DENSE_BLOCK_ROWS} of the page's refs`);
  const json = await app.inject({ method: 'GET', url: `/kinds/metric/actions?fields=${FIELDS}&limit=1000` });
  const want = json.json<{ items: Array<Record<string, unknown>> }>().items;
  t.equal(want.length, 120 + 32 + 120);
  const nd = await app.inject({ method: 'GET', url: `/kinds/metric/actions?fields=${FIELDS}&format=ndjson` });
  t.same(
    nd.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown),
    want,
  );
  const csv = await app.inject({ method: 'GET', url: `/kinds/metric/actions?fields=${FIELDS}&format=csv` });
  const rows = parseCsv(csv.body, { columns: true }) as Array<Record<string, string>>;
  t.same(
    rows,
    want.map((w) =>
      Object.fromEntries(FIELDS.split(',').map((f) => [f, w[f] === undefined ? '' : typeof w[f] === 'object' ? JSON.stringify(w[f]) : String(w[f])])),
    ),
  );
  // Rows only (no payload: no tx decoded), in reverse and from a cursor, as the JSON pages give them.
  const rowFields = 'height,index,txid,subject,nonce';
  const rev = await app.inject({ method: 'GET', url: `/kinds/metric/actions?fields=${rowFields}&format=ndjson&reverse=true&limit=200` });
  const revWant = (await app.inject({ method: 'GET', url: `/kinds/metric/actions?fields=${rowFields}&reverse=true&limit=200` })).json<{ items: unknown[] }>()
    .items;
  t.same(
    rev.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown),
    revWant,
  );
});

t.test('a ref whose position holds another transaction after a reorg is left out of body-read rows', async (t) => {
  const dir = await tempDir('export-bodies-reorg-');
  const { chain, store } = await openChain(dir.path);
  t.teardown(async () => {
    await store.close();
    await dir.cleanup();
  });
  const a = new Actor();
  const base = chain.tip;
  await chain.processBlock(
    mine(
      chain,
      Array.from({ length: 70 }, () => a.tx('metric', 'box')),
    ),
  );
  await chain.idle();
  const removals = chain.mainRemovals;
  const before = await store.query.kind('metric', {}, { limit: 1000 });
  const refs: ItemRef[] = before.items;
  // The subject index keeps each entry's row: a page of it reads no tx record while no reorg happens.
  const subjectRefs: ItemRef[] = (await store.query.subject('box', undefined, {}, { limit: 1000 })).items;
  t.equal(subjectRefs.filter((r) => r.row?.kind === 'metric' && r.row.subject === 'box').length, 70, 'subject entries carry their rows');
  const dense = denseHeights(refs);
  t.same([...dense], [1]);
  const { ctx } = bareApiContext(chain, store);
  // Every ref of a dense block answered from the block's body (no tx-record read).
  const fromBodies = (items: readonly ItemRef[], fields: RowField[], heights: ReadonlySet<number>): ReturnType<typeof resolveRows> =>
    resolveRows(ctx, items, fields, { records: items.map(() => undefined), fromBodies: heights });
  const fresh = await fromBodies(refs, ['height', 'index', 'txid'], dense);
  t.equal(fresh.items.length, 70, 'all rows while the block is on the main chain');
  const rowFields: RowField[] = ['height', 'index', 'txid', 'from', 'nonce', 'kind', 'subject'];
  const trusted = await resolveRows(ctx, refs, ['height', 'index', 'txid'], { removals, fromBodies: dense });
  t.same(trusted.items, fresh.items, 'no reorg since the index read: body positions taken as they are, same rows');
  const fromEntries = await resolveRows(ctx, subjectRefs, rowFields, { removals });
  const fromRecords = await resolveRows(
    ctx,
    subjectRefs.map(({ txid, height, index }) => ({ txid, height: height!, index: index! })),
    rowFields,
  );
  t.equal(fromEntries.items.length, 70);
  t.same(fromEntries.items, fromRecords.items, 'rows kept in subject entries equal the rows of the tx records');

  // A heavier branch from genesis replaces block 1 by one of another actor's 70 records: the refs read before
  // now point at other transactions at the same positions.
  const other = new Actor();
  const r1 = mine(
    chain,
    Array.from({ length: 70 }, () => other.tx('metric', 'box')),
    base,
    Uint8Array.of(7),
  );
  await chain.processBlock(r1, { requested: true });
  await chain.processBlock(mine(chain, [], chain.tree.get(r1.hash)!, Uint8Array.of(8)), { requested: true });
  await chain.idle();
  t.equal(chain.tree.atHeight(1)?.hex, chain.tree.get(r1.hash)?.hex, 'the branch took over');
  const stale = await fromBodies(refs, ['height', 'index', 'txid'], dense);
  t.equal(stale.items.length, 0, 'no row of the old block is answered');
  t.not(chain.mainRemovals, removals, 'the reorg moved the main-chain removal count');
  const staleTrusted = await resolveRows(ctx, refs, ['height', 'index', 'txid'], { removals, fromBodies: dense });
  t.equal(staleTrusted.items.length, 0, 'read before the reorg: body positions checked by txid again');
  const staleEntries = await resolveRows(ctx, subjectRefs, rowFields, { removals });
  t.equal(staleEntries.items.length, 0, 'subject rows read before the reorg: checked against the tx records, none left');
  const now = await store.query.kind('metric', {}, { limit: 1000 });
  const moved = await fromBodies(now.items, ['txid'], denseHeights(now.items));
  t.same(
    moved.items.map((i) => i.txid),
    now.items.map((r) => toHex(r.txid)),
    'the new block rows from its body',
  );
});
