// A table of blocks: height, hash, time, record count and, on the blocks page, size and miner.
import type { JSX } from 'preact';
import type { BlockSummaryJson } from '../../../src/api/types.js';
import { Hash, link, num, Time } from '../ui.js';

/** Blocks as a table; `details` adds the size and miner columns. Every value is text. */
export function BlockRows({
  blocks,
  labelledBy,
  testId,
  details = false,
}: {
  blocks: BlockSummaryJson[];
  labelledBy: string;
  testId: string;
  details?: boolean;
}): JSX.Element {
  return (
    <div class="table-wrap">
      <table aria-labelledby={labelledBy} data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Height</th>
            <th scope="col">Hash</th>
            <th scope="col">Time</th>
            <th scope="col">Records</th>
            {details && <th scope="col">Size</th>}
            {details && <th scope="col">Miner</th>}
          </tr>
        </thead>
        <tbody>
          {blocks.map((b) => (
            <tr key={b.hash}>
              <td>
                <a href={link.block(b.height)}>{b.height}</a>
              </td>
              <td>
                <Hash value={b.hash} href={link.block(b.hash)} label="block hash" />
              </td>
              <td>
                <Time s={b.time} />
              </td>
              <td>{b.txCount}</td>
              {details && <td>{num(b.size)} B</td>}
              {details && <td>{b.miner ?? <span class="muted">—</span>}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
