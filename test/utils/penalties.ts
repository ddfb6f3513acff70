// Test transports record penalties as (peer, points, reason) triples; this adapts such a recorder to the typed
// `penalise(peer, penalty | error)` of the sync and relay dependencies.
import { penaltyReason, toPenalty, type PenaltyInput } from '../../src/wire/penalty.js';

/** A `penalise` dependency that hands each penalty to `record` as points and its `CODE: detail` reason. */
export function recordPenalties(record: (peer: string, points: number, reason: string) => void): (peer: string, penalty: PenaltyInput) => void {
  return (peer, input) => {
    const p = toPenalty(input);
    record(peer, p.points, penaltyReason(p));
  };
}
