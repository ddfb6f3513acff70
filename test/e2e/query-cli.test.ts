// Issue 16 items 4 and 7: `chain-node export` streams an index range as CSV or JSON lines from a running node
// (real process, real HTTP), `chain-node count` prints exact counts; both agree with the API's JSON pages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import t from 'tap';
import { toHex } from '../../src/util/bytes.js';
import { Actor } from '../utils/chain.js';
import { ensureBuilt, errorCode, http, json, runCli, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

t.test('export and count from a running node', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const node = await startNode(t, { datadir, home: dir, mine: true });
  const actors = [new Actor(), new Actor()];
  const N = 60;
  for (let i = 0; i < N; i++) {
    const tx = actors[i % 2]!.tx(i % 3 === 0 ? 'log' : 'metric', `box-${i % 4}`, { cpuUsage: i / 4, note: `line, "quoted"\n${i}` });
    const r = await http(`${node.url}/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(tx.bytes) }) });
    t.equal(r.status, 202, `tx ${i} accepted`);
  }
  const metrics = Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 !== 0).length;
  await waitFor('every action mined', async () => ((await http(`${node.url}/kinds/metric/count`)).body.count === metrics ? true : undefined), 60_000);
  const api = ['--api', node.url];

  const count = await runCli(['count', '--kind', 'metric', '--json', ...api], { home: dir });
  t.equal(count.code, 0, count.stderr);
  t.equal(json(count).count, metrics, 'count --kind');
  const sk = await runCli(['count', '--subject', 'box-1', '--kind', 'metric', ...api], { home: dir });
  t.equal(sk.stdout.trim(), String(Array.from({ length: N }, (_, i) => i).filter((i) => i % 4 === 1 && i % 3 !== 0).length), 'count --subject --kind');
  const actor = toHex(actors[0]!.tx().fields.from);
  const ac = await runCli(['count', '--actor', actor, '--json', ...api], { home: dir });
  t.equal(json(ac).count, N / 2, 'count --actor');
  t.equal(errorCode(await runCli(['count', '--json', ...api], { home: dir })), 'BAD_OPTION', 'count needs a selector');

  // The API's own pages are the reference.
  const page = (await http(`${node.url}/kinds/metric/actions?limit=1000&fields=txid,height,index,subject,payload`)).body.items as Array<{
    txid: string;
    height: number;
    index: number;
    subject: string;
    payload: { cpuUsage: number; note: string };
  }>;
  t.equal(page.length, metrics);

  const csv = await runCli(['export', '--kind', 'metric', '--format', 'csv', '--fields', 'txid,height,index,subject,payload', ...api], { home: dir });
  t.equal(csv.code, 0, csv.stderr);
  const rows = parseCsv(csv.stdout, { columns: true }) as Array<Record<string, string>>;
  t.same(
    rows.map((r) => ({ txid: r.txid, height: Number(r.height), index: Number(r.index), subject: r.subject, payload: JSON.parse(r.payload!) as unknown })),
    page,
    'CSV export (quotes, commas and newlines in payloads) parses back to the API rows',
  );

  const out = join(dir, 'box-2.ndjson');
  const nd = await runCli(['export', '--subject', 'box-2', '--format', 'ndjson', '--fields', 'txid,kind', '--output', out, '--json', ...api], { home: dir });
  t.equal(nd.code, 0, nd.stderr);
  const lines = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { txid: string; kind: string });
  const want = (await http(`${node.url}/subjects/box-2/actions?limit=1000&fields=txid,kind`)).body.items;
  t.same(lines, want, 'NDJSON export of a subject equals the API page');
  t.equal(json(nd).rows, lines.length, 'reports the rows written');

  const ranged = await runCli(
    ['export', '--kind', 'metric', '--format', 'ndjson', '--fields', 'height', '--from-height', String(page[page.length - 1]!.height), ...api],
    { home: dir },
  );
  const heights = ranged.stdout
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { height: number }).height);
  t.ok(heights.length > 0 && heights.every((h) => h === page[page.length - 1]!.height), '--from-height bounds the export');
  t.equal(
    errorCode(await runCli(['export', '--kind', 'metric', '--since', 'soon', '--json', ...api], { home: dir })),
    'QUERY_BAD_TIME',
    'bad --since: the API code',
  );
  t.equal(errorCode(await runCli(['export', '--kind', 'metric', '--format', 'xml', '--json', ...api], { home: dir })), 'BAD_OPTION');
});
