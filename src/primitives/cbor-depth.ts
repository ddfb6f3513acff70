import { DecodeError, DecodeErrorCode } from './errors.js';

/**
 * SPEC 2 nesting limit: the most levels any DAG-CBOR value in a transaction, block or network message may have.
 *
 * Level counting, used by every check in this file: only arrays and maps open a level. The outermost value, when
 * it is an array or a map, is level 1 (a transaction map is level 1, its `payload` map or array level 2, ...); an
 * array or map that is an element, key or value of a level-n array or map is level n + 1. Scalars (integers,
 * floats, booleans, null, byte strings, text strings) open no level, and neither does a tag (it only marks the
 * one item that follows), so a value made of scalars only has depth 0. An empty array or map still opens its
 * level. A value's depth is the highest level it reaches; it is valid when that is at most `MAX_CBOR_DEPTH`.
 * Byte strings that hold an encoded object of their own (a block's `txs`) are scalars of the outer object; the
 * inner object is counted from its own level 1 when it is decoded.
 */
export const MAX_CBOR_DEPTH = 32;

function tooDeep(what: string, max: number): DecodeError {
  return new DecodeError(DecodeErrorCode.tooDeep, `${what}: nested deeper than ${max} levels`);
}

/**
 * Throws `DECODE_TOO_DEEP` when the CBOR in `bytes` nests arrays and maps deeper than `max` levels (counted as
 * {@link MAX_CBOR_DEPTH} says). Runs before any decoding, in a loop with a fixed-size stack of `max` counters, so
 * the verdict never depends on the call stack. It reads item heads only and stops quietly at whatever it cannot
 * follow (truncation, indefinite lengths, reserved heads, trailing bytes): the strict decoder that runs next
 * refuses those with its own code. So bytes that are too deep before their first structural fault are always
 * `DECODE_TOO_DEEP`, on every path.
 */
export function checkCborDepth(bytes: Uint8Array, what: string, max = MAX_CBOR_DEPTH): void {
  const end = bytes.byteLength;
  // remaining[l]: items still to read in the open container at level l (maps count keys and values).
  const remaining = new Float64Array(max + 1);
  let level = 0;
  let pos = 0;
  while (pos < end) {
    const head = bytes[pos++]!;
    const major = head >> 5;
    const info = head & 31;
    let arg: number;
    if (info < 24) arg = info;
    else if (info <= 27) {
      const size = 1 << (info - 24);
      if (size > end - pos) return;
      arg = 0;
      // Lengths past 2^53 lose precision here, which only matters for inputs far larger than any buffer.
      for (let i = 0; i < size; i++) arg = arg * 256 + bytes[pos + i]!;
      pos += size;
    } else return;
    if (major === 6) continue;
    if (major === 2 || major === 3) {
      if (arg > end - pos) return;
      pos += arg;
    } else if (major === 4 || major === 5) {
      if (level + 1 > max) throw tooDeep(what, max);
      const count = major === 4 ? arg : 2 * arg;
      if (count > 0) {
        level++;
        remaining[level] = count;
        continue;
      }
    }
    // One item finished: close every container it completes.
    for (;;) {
      if (level === 0) return;
      const left = remaining[level]! - 1;
      remaining[level] = left;
      if (left > 0) break;
      level--;
    }
  }
}

function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer);
}

/**
 * Throws `DECODE_TOO_DEEP` when a JavaScript value about to be encoded as DAG-CBOR nests arrays and objects deeper
 * than `max` levels (every non-binary object counts as a map). Breadth-first, without recursion; a cyclic value
 * fails here too instead of overflowing the stack.
 */
export function checkValueDepth(value: unknown, what: string, max = MAX_CBOR_DEPTH): void {
  let frontier: unknown[] = [value];
  let level = 0;
  while (frontier.length > 0) {
    const next: unknown[] = [];
    let opened = false;
    for (const v of frontier) {
      if (!isContainer(v)) continue;
      opened = true;
      const children = Array.isArray(v) ? (v as unknown[]) : Object.values(v);
      for (const c of children) if (isContainer(c)) next.push(c);
    }
    if (!opened) return;
    level++;
    if (level > max) throw tooDeep(what, max);
    frontier = next;
  }
}
