import type { ActorQueue, PoolEntry } from './actor-queue.js';

/**
 * Picks ready transactions for a block: round-robin over actors (each round takes every remaining actor's next
 * nonce), actors ordered oldest first (by when their lowest ready transaction entered the pool), nonces in order
 * within an actor. An actor whose next transaction does not fit the remaining budget is skipped for good (its
 * later nonces need that one) while smaller transactions of other actors still fill the block. `maxBytes`
 * counts encoded transaction bytes only; the caller reserves header, meta and CBOR framing. O(transactions).
 */
export function selectTemplate(actors: Iterable<ActorQueue>, maxBytes: number): PoolEntry[] {
  let active: ActorQueue[] = [];
  for (const q of actors) if (q.ready.length > 0) active.push(q);
  active.sort((a, b) => a.ready[0]!.seq - b.ready[0]!.seq);
  const out: PoolEntry[] = [];
  let used = 0;
  for (let round = 0; active.length > 0; round++) {
    const next: ActorQueue[] = [];
    for (const q of active) {
      const e = q.ready[round]!;
      const size = e.bytes.byteLength;
      if (used + size > maxBytes) continue;
      out.push(e);
      used += size;
      if (round + 1 < q.ready.length) next.push(q);
    }
    active = next;
  }
  return out;
}
