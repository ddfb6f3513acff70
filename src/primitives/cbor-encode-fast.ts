// A hand-written DAG-CBOR encoder for the plain values transactions are made of (the library encoder costs ~7 us
// for one small action body, most of the server-side signing path). It gives the bytes @ipld/dag-cbor gives, or
// gives up (undefined) and leaves the value to it: bigints, CIDs, non-plain objects, undefined, -0, integers
// beyond 2^53, non-finite numbers, strings with lone surrogates and nesting deeper than MAX_CBOR_DEPTH are never
// encoded here.
import { writeF64BE } from '../util/bytes.js';
import { MAX_CBOR_DEPTH } from './cbor-depth.js';

/** Thrown inside the encoder when the value is not plain; never escapes it. */
class NotPlain {}
const NOT_PLAIN = new NotPlain();

const utf8 = new TextEncoder();

const SCRATCH_KEEP = 1 << 20;
let buf = new Uint8Array(1024);
let pos = 0;

function room(n: number): void {
  if (pos + n <= buf.byteLength) return;
  const next = new Uint8Array(Math.max(buf.byteLength * 2, pos + n));
  next.set(buf.subarray(0, pos));
  buf = next;
}

// A head with its argument in the shortest form (arguments up to 2^53).
function head(major: number, n: number): void {
  room(9);
  const m = major << 5;
  if (n < 24) buf[pos++] = m | n;
  else if (n < 0x100) {
    buf[pos++] = m | 24;
    buf[pos++] = n;
  } else if (n < 0x10000) {
    buf[pos++] = m | 25;
    buf[pos++] = n >>> 8;
    buf[pos++] = n & 0xff;
  } else if (n < 0x1_0000_0000) {
    buf[pos++] = m | 26;
    putU32(n);
  } else {
    buf[pos++] = m | 27;
    putU32(Math.floor(n / 0x1_0000_0000));
    putU32(n >>> 0);
  }
}

function putU32(n: number): void {
  buf[pos++] = n >>> 24;
  buf[pos++] = (n >>> 16) & 0xff;
  buf[pos++] = (n >>> 8) & 0xff;
  buf[pos++] = n & 0xff;
}

// UTF-8 length of a string without lone surrogates (which the library and TextEncoder would treat differently).
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) throw NOT_PLAIN;
      // A pair: two UTF-16 units, four bytes.
      n += 2;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) throw NOT_PLAIN;
    else n += 2;
  }
  return n;
}

function text(s: string): void {
  const n = utf8Length(s);
  head(3, n);
  room(n);
  if (n === s.length) for (let i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i);
  else pos += utf8.encodeInto(s, buf.subarray(pos, pos + n)).written;
}

function number(v: number): void {
  if (Number.isSafeInteger(v)) {
    if (v >= 0) head(0, v);
    else if (Object.is(v, -0)) throw NOT_PLAIN;
    else head(1, -1 - v);
    return;
  }
  if (!Number.isFinite(v) || Number.isInteger(v)) throw NOT_PLAIN;
  room(9);
  buf[pos++] = 0xfb;
  writeF64BE(buf, pos, v);
  pos += 8;
}

// DAG-CBOR map order: shorter UTF-8 keys first, then bytewise (for equal lengths, UTF-16 order of keys
// without surrogates matches UTF-8 byte order only for ASCII: other keys compare by their bytes).
function keyOrder(a: string, b: string): number {
  const la = utf8Length(a);
  const lb = utf8Length(b);
  if (la !== lb) return la - lb;
  if (la === a.length && lb === b.length) return a < b ? -1 : a > b ? 1 : 0;
  const ea = utf8.encode(a);
  const eb = utf8.encode(b);
  for (let i = 0; i < ea.length; i++) if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  return 0;
}

// `depth`: containers open around `v` (a value nested deeper than the depth check allows goes to the library path,
// whose check refuses it with its usual error).
function item(v: unknown, depth: number): void {
  switch (typeof v) {
    case 'number':
      return number(v);
    case 'string':
      return text(v);
    case 'boolean':
      room(1);
      buf[pos++] = v ? 0xf5 : 0xf4;
      return;
    case 'object': {
      if (v === null) {
        room(1);
        buf[pos++] = 0xf6;
        return;
      }
      if (v instanceof Uint8Array) {
        head(2, v.byteLength);
        room(v.byteLength);
        buf.set(v, pos);
        pos += v.byteLength;
        return;
      }
      if (depth >= MAX_CBOR_DEPTH) throw NOT_PLAIN;
      if (Array.isArray(v)) {
        head(4, v.length);
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) throw NOT_PLAIN;
          item(v[i], depth + 1);
        }
        return;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) throw NOT_PLAIN;
      const obj = v as Record<string, unknown>;
      // A CID (or anything claiming to be one) is the library's to encode.
      if ('asCID' in obj || '/' in obj) throw NOT_PLAIN;
      const keys = Object.keys(obj);
      if (keys.length > 1) keys.sort(keyOrder);
      head(5, keys.length);
      for (const k of keys) {
        const value = obj[k];
        if (value === undefined) throw NOT_PLAIN;
        text(k);
        item(value, depth + 1);
      }
      return;
    }
    default:
      throw NOT_PLAIN;
  }
}

/**
 * The DAG-CBOR bytes of a plain value (the same as @ipld/dag-cbor's), or undefined when the value is not plain
 * and must go to the library.
 */
export function encodeCborFast(value: unknown): Uint8Array | undefined {
  pos = 0;
  let plain = true;
  try {
    item(value, 0);
  } catch (err) {
    if (err !== NOT_PLAIN) throw err;
    plain = false;
  }
  const out = plain ? buf.slice(0, pos) : undefined;
  // One large value (a block) does not keep a large scratch buffer alive.
  if (buf.byteLength > SCRATCH_KEEP) buf = new Uint8Array(1024);
  return out;
}
