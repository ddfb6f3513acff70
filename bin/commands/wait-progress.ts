import { describeProgress, type SendProgress } from '../../src/client/actions.js';

/**
 * Progress of `--wait n` on stderr (stdout keeps the one result, JSON with --json): the txid as soon as the node
 * accepts the transaction, then one line each time the confirmation count changes.
 */
export function waitProgress(wanted: number): SendProgress {
  return {
    submitted: (s) => process.stderr.write(`tx ${s.txid} ${s.status}; waiting for ${wanted} confirmation${wanted === 1 ? '' : 's'}\n`),
    update: (status) => process.stderr.write(`${describeProgress(status, wanted)}\n`),
  };
}
