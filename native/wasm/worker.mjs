// Worker thread of the WASM miner (src/mining/wasm-backend.ts). Plain JavaScript so that it runs unchanged
// from the sources (tests) and from an installed package.
//
// Messages in:  { type: 'init', module: WebAssembly.Module }
//               { type: 'search', id, header: Uint8Array(80), target: Uint8Array(32), start, end, chunk,
//                 control: SharedArrayBuffer }
// Messages out: { type: 'ready' } | { type: 'done', id, nonce: number | null, hashes, aborted } |
//               { type: 'error', id, message }
//
// All workers of one search share `control` (Int32Array): [ABORT] set by the main thread to stop,
// [NEXT] the next chunk index to claim, [FOUND] the lowest chunk index that holds a hit. Chunks are claimed in
// ascending order; once chunk k has a hit no chunk above k is claimed and every chunk below k is finished, so
// the lowest hit over all workers is the first hit of the range.
/* global WebAssembly */
import { parentPort } from 'node:worker_threads';

const ABORT = 0;
const NEXT = 1;
const FOUND = 2;

let exports_ = null;
let memory = null;

function atomicMin(control, index, value) {
  let cur = Atomics.load(control, index);
  while (value < cur) {
    const prev = Atomics.compareExchange(control, index, cur, value);
    if (prev === cur) return;
    cur = prev;
  }
}

function search(msg) {
  const control = new Int32Array(msg.control);
  const io = exports_.io();
  const bytes = new Uint8Array(exports_.memory.buffer);
  bytes.set(msg.header, io);
  bytes.set(msg.target, io + 80);
  exports_.prepare();
  let nonce = null;
  let hashes = 0;
  let aborted = false;
  for (;;) {
    const next = Atomics.load(control, NEXT);
    const from = msg.start + next * msg.chunk;
    if (from >= msg.end || next > Atomics.load(control, FOUND)) break;
    if (Atomics.load(control, ABORT) !== 0) {
      aborted = true;
      break;
    }
    const k = Atomics.add(control, NEXT, 1);
    const chunkFrom = msg.start + k * msg.chunk;
    if (chunkFrom >= msg.end || k > Atomics.load(control, FOUND)) break;
    const n = Math.min(msg.chunk, msg.end - chunkFrom);
    if (exports_.search(chunkFrom >>> 0, n >>> 0) !== 0) {
      const hit = exports_.foundNonce() >>> 0;
      hashes += hit - chunkFrom + 1;
      nonce = hit;
      atomicMin(control, FOUND, k);
      break;
    }
    hashes += n;
  }
  return { type: 'done', id: msg.id, nonce, hashes, aborted };
}

parentPort.on('message', (msg) => {
  try {
    if (msg.type === 'init') {
      const instance = new WebAssembly.Instance(msg.module, {});
      exports_ = instance.exports;
      memory = exports_.memory;
      parentPort.postMessage({ type: 'ready', memoryBytes: memory.buffer.byteLength });
    } else if (msg.type === 'search') {
      parentPort.postMessage(search(msg));
    }
  } catch (err) {
    parentPort.postMessage({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) });
  }
});
