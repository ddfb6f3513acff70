import type { ClassicLevel } from 'classic-level';
import { BatchSlab } from './layout.js';
import type { BatchOp } from './write-queue.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;

/**
 * Apply `ops` to `db` as one atomic LevelDB batch. A chained batch crosses into the binding once per operation with
 * plain arguments (the array form makes the binding read each operation's properties back through N-API). Small
 * keys and values are first copied into one off-heap slab (unless a BatchSlab already built them there): V8 keeps
 * typed arrays of up to 64 bytes inside its heap, and N-API moves each such array out before the binding can read
 * it, which measured about twice the cost of the whole put.
 */
export async function applyBatch(db: Db, ops: readonly BatchOp[]): Promise<void> {
  let small = 0;
  for (const op of ops) {
    if (op.type === 'put' && op.offHeap === true) continue;
    if (op.key.byteLength <= ON_HEAP_MAX) small += op.key.byteLength;
    if (op.type === 'put' && op.value.byteLength <= ON_HEAP_MAX) small += op.value.byteLength;
  }
  const slab = new BatchSlab(small);
  const offHeap = (a: Uint8Array): Uint8Array => (a.byteLength > ON_HEAP_MAX ? a : slab.copy(a));
  const batch = db.batch();
  for (const op of ops) {
    if (op.type === 'put' && op.offHeap === true) batch.put(op.key, op.value);
    else if (op.type === 'put') batch.put(offHeap(op.key), offHeap(op.value));
    else batch.del(offHeap(op.key));
  }
  await batch.write();
}

// V8's typed_array_max_size_in_heap.
const ON_HEAP_MAX = 64;
