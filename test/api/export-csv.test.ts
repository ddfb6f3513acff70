import t from 'tap';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { csvLines } from '../../src/api/query/export.js';
import type { RowField } from '../../src/api/query/params.js';
import type { RowItem } from '../../src/api/query/rows.js';

const fields: RowField[] = ['height', 'txid', 'subject', 'kind', 'payload', 'nonce'];
const items: RowItem[] = [
  { height: 1, txid: 'ab', subject: 'plain', kind: 'metric', payload: { cpuUsage: 1.5, note: 'a,b "c"\nd' }, nonce: 0 },
  { height: 2, txid: 'cd', subject: 'comma,inside', kind: 'quote"inside', payload: 'line\r\nbreak', nonce: 2 ** 40 },
  { height: 3, txid: 'ef', kind: 'métrique', payload: null, nonce: -1.25e-7 },
  { height: 4, txid: 'gh', subject: '', kind: 'k', payload: [1, 'x,y'], nonce: 5 },
];

t.test('CSV lines written directly equal csv-stringify byte for byte and parse back with csv-parse', (t) => {
  const cellOf = (v: unknown): string | number | undefined =>
    v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : (v as string | number);
  const expected = stringify([fields, ...items.map((it) => fields.map((f) => cellOf(it[f])))]);
  const out = csvLines(items, fields, true);
  t.equal(out, expected);
  const rows = parse(out, { columns: true }) as Array<Record<string, string>>;
  t.equal(rows.length, items.length);
  t.equal(rows[0]!.payload, JSON.stringify(items[0]!.payload));
  t.equal(rows[1]!.subject, 'comma,inside');
  t.equal(rows[1]!.kind, 'quote"inside');
  t.equal(rows[1]!.payload, 'line\r\nbreak');
  t.equal(rows[2]!.subject, '');
  t.equal(rows[2]!.nonce, String(-1.25e-7));
  // Without the header line: only the rows.
  t.equal(csvLines(items.slice(0, 1), fields, false), stringify([fields.map((f) => cellOf(items[0]![f]))]));
  t.equal(csvLines([], fields, false), '');
  t.end();
});
