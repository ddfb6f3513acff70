import t from 'tap';
import { NodeMetrics } from '../../src/metrics/node-metrics.js';

t.test('mempool totals (from any source) show up as counters that only grow', async (t) => {
  let totals = { accepted: 0, rejected: {} as Record<string, number> };
  const m = new NodeMetrics({
    height: () => 7,
    tipTime: () => 100,
    mempoolCount: () => 3,
    mempoolBytes: () => 900,
    hashrate: () => 5e6,
    peers: () => 2,
    mempoolTotals: () => totals,
    now: () => 160_000,
  });
  totals = { accepted: 5, rejected: { TX_BAD_SIGNATURE: 2 } };
  let text = await m.render();
  t.match(text, /^chain_node_mempool_tx_accepted_total 5$/m);
  t.match(text, /^chain_node_mempool_tx_rejected_total\{code="TX_BAD_SIGNATURE"\} 2$/m);
  t.match(text, /^chain_node_chain_height 7$/m);
  t.match(text, /^chain_node_chain_tip_age_seconds 60$/m);
  m.txRejected.inc({ code: 'DECODE_MALFORMED' });
  totals = { accepted: 9, rejected: { TX_BAD_SIGNATURE: 2, TX_NONCE_TOO_LOW: 1 } };
  text = await m.render();
  t.match(text, /^chain_node_mempool_tx_accepted_total 9$/m);
  t.match(text, /^chain_node_mempool_tx_rejected_total\{code="TX_BAD_SIGNATURE"\} 2$/m);
  t.match(text, /^chain_node_mempool_tx_rejected_total\{code="TX_NONCE_TOO_LOW"\} 1$/m);
  t.match(text, /^chain_node_mempool_tx_rejected_total\{code="DECODE_MALFORMED"\} 1$/m);
});
