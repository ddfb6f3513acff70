// The explorer's pure helpers: CSV (RFC 4180) and JSON Lines exports, nonce gap detection, metric series.
import t from 'tap';
import type { ActionJson } from '../../src/api/types.js';
import { nonceGaps, toCsv, toJsonl } from '../../explorer/src/export.js';

function action(nonce: number, payload: ActionJson['tx']['payload'], subject?: string): ActionJson {
  return {
    txid: `${nonce}`.padStart(64, '0'),
    height: 10 + nonce,
    blockHash: 'ab'.repeat(32),
    index: 1,
    time: 1_796_000_000 + nonce,
    tx: {
      txid: `${nonce}`.padStart(64, '0'),
      v: 1,
      chain: 'cd'.repeat(32),
      from: `02${'ef'.repeat(32)}`,
      nonce,
      time: 1_796_000_000_000 + nonce,
      kind: 'audit.login',
      ...(subject === undefined ? {} : { subject }),
      payload,
      sig: '00'.repeat(64),
      size: 150,
    },
  };
}

t.test('CSV quotes commas, quotes and line breaks (RFC 4180) and ends lines with CRLF', async (t) => {
  const csv = toCsv([action(0, { note: 'a, "b"\nc' }, 'user,42'), action(1, null)]);
  const lines = csv.split('\r\n');
  t.equal(lines[0], 'txid,height,blockHash,index,blockTime,actor,nonce,kind,subject,signedAt,payload');
  t.equal(lines.at(-1), '', 'ends with CRLF');
  t.match(csv, /,"user,42",/, 'a field with a comma is quoted');
  t.match(csv, /,"\{""note"":""a, \\""b\\""\\nc""\}"\r\n/, 'quotes doubled inside a quoted field');
  t.match(csv, /,2026-11-30T[0-9:.]+Z,/, 'times in ISO 8601 UTC');
  t.match(lines[2], /,null$/, 'a null payload');
});

t.test('JSON lines: one action per line, parseable', async (t) => {
  const text = toJsonl([action(0, { a: 1 }), action(1, [1, 2])]);
  const rows = text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as ActionJson);
  t.same(
    rows.map((r) => r.tx.nonce),
    [0, 1],
  );
  t.same(rows[1]!.tx.payload, [1, 2]);
  t.equal(toJsonl([]), '');
});

t.test('nonce gaps', async (t) => {
  t.same(nonceGaps([0, 1, 2, 3]), []);
  t.same(nonceGaps([0, 2, 3, 7]), [
    [1, 1],
    [4, 6],
  ]);
  t.same(nonceGaps([3, 4]), [[0, 2]], 'missing from the start');
  t.same(nonceGaps([5, 6], 5), [], 'a page starting later');
});
