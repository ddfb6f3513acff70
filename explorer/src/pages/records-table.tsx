// A table of records (actions): txid, kind, subject, actor, and where known block and time.
import type { JSX } from 'preact';
import type { TxJson } from '../../../src/api/types.js';
import { Hash, link, Time } from '../ui.js';

/** One row: the transaction and, when mined, its height and block time. */
export interface RecordRow {
  tx: TxJson;
  height?: number;
  time?: number;
  note?: string;
}

/** Records as a table; every value is text. */
export function RecordRows({
  txs,
  labelledBy,
  testId,
  showNonce = false,
}: {
  txs: RecordRow[];
  labelledBy: string;
  testId?: string;
  showNonce?: boolean;
}): JSX.Element {
  return (
    <div class="table-wrap">
      <table aria-labelledby={labelledBy} data-testid={testId}>
        <thead>
          <tr>
            {showNonce && <th scope="col">Nonce</th>}
            <th scope="col">Record</th>
            <th scope="col">Kind</th>
            <th scope="col">Subject</th>
            <th scope="col">Actor</th>
            <th scope="col">Block</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {txs.map((r) => (
            <tr key={r.tx.txid}>
              {showNonce && (
                <td>
                  {r.tx.nonce}
                  {r.note !== undefined && <span class="warn"> {r.note}</span>}
                </td>
              )}
              <td>
                <Hash value={r.tx.txid} href={link.record(r.tx.txid)} label="record id" />
              </td>
              <td>
                <a href={link.kind(r.tx.kind)}>{r.tx.kind}</a>
              </td>
              <td>{r.tx.subject === undefined ? <span class="muted">—</span> : <a href={link.subject(r.tx.subject)}>{r.tx.subject}</a>}</td>
              <td>
                <Hash value={r.tx.from} href={link.actor(r.tx.from)} label="actor key" />
              </td>
              <td>{r.height === undefined ? <span class="muted">pending</span> : <a href={link.block(r.height)}>{r.height}</a>}</td>
              <td>
                <Time s={r.time ?? Math.floor(r.tx.time / 1000)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
