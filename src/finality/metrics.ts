import { Gauge, type Registry } from 'prom-client';
import { type Finality } from './finality.js';

/** Finality gauges (SPEC 12): latest final height and age, witness halted flag, signatures made. */
export function registerFinalityMetrics(registry: Registry, finality: Finality, now: () => number = Date.now): void {
  new Gauge({
    name: 'chain_node_finality_final_height',
    help: 'Height of the last block covered by the latest final checkpoint (-1: none yet)',
    registers: [registry],
    collect() {
      this.set(finality.latestFinal?.height ?? -1);
    },
  });
  new Gauge({
    name: 'chain_node_finality_final_age_seconds',
    help: 'Seconds since this node learnt of the latest final checkpoint (-1: none yet)',
    registers: [registry],
    collect() {
      const f = finality.latestFinal;
      this.set(f === undefined ? -1 : Math.max(0, (now() - f.at) / 1000));
    },
  });
  new Gauge({
    name: 'chain_node_witness_halted',
    help: '1 when this witness stopped signing because its chain contradicts its last signature',
    registers: [registry],
    collect() {
      this.set(finality.halted === undefined ? 0 : 1);
    },
  });
  new Gauge({
    name: 'chain_node_witness_signatures_total',
    help: 'Checkpoints this witness signed since start',
    registers: [registry],
    collect() {
      this.set(finality.signaturesMade);
    },
  });
}
