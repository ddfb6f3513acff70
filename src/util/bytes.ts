/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of a hex string; throws TypeError on odd length or non-hex characters. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError('invalid hex string');
  const b = Buffer.from(hex, 'hex');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Copy of `bytes` in reverse order (block hashes are displayed byte-reversed, SPEC 2). */
export function reversed(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** Read a 256-bit little-endian unsigned integer. */
export function readUint256LE(bytes: Uint8Array): bigint {
  if (bytes.byteLength === 32) {
    const d = new DataView(bytes.buffer, bytes.byteOffset, 32);
    return (d.getBigUint64(24, true) << 192n) | (d.getBigUint64(16, true) << 128n) | (d.getBigUint64(8, true) << 64n) | d.getBigUint64(0, true);
  }
  let v = 0n;
  for (let i = bytes.byteLength - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** Big-endian bytes of a non-negative bigint, left-padded to `length`. */
export function bigintToBytesBE(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = v;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (x !== 0n) throw new RangeError('integer does not fit');
  return out;
}

/** Unsigned big-endian integer from bytes. */
export function bytesToBigintBE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

const utf8 = new TextDecoder();

/** A short UTF-8 string from `bytes[start, end)`: ASCII (the usual case) without TextDecoder's per-call cost. */
export function shortUtf8(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 0x80) return utf8.decode(bytes.subarray(start, end));
    s += String.fromCharCode(c);
  }
  return s;
}

// One scratch word for float writes (no DataView per value).
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Write `v` as a big-endian IEEE 754 double at `out[o..o+8)`. */
export function writeF64BE(out: Uint8Array, o: number, v: number): void {
  f64[0] = v;
  if (littleEndian) for (let i = 0; i < 8; i++) out[o + i] = f64Bytes[7 - i]!;
  else out.set(f64Bytes, o);
}
