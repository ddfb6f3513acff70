// AssemblyScript (compiled by asc, not tsc): the SIMD miner, four nonces per v128 (one per 32-bit lane).
// Build: see native/wasm/build/README.md. The nonce loop runs inside the module; the host calls search() on
// slices and reads the hit with foundNonce().
//
// Per job the scalar core computes the midstate, block-2 rounds 0-2 and the nonce-free part of round 3 and of
// W16..W19. Per vector: rounds 3-63 of the first hash, rounds 0-60 of the second; after round 60 the second
// hash's `e` plus IV[7] is final word 7, the most significant 32 bits of the little-endian 256-bit hash, which
// rejects almost every nonce. Survivors get the full scalar double hash and 256-bit comparison.
import {
  IO, IV, K, MID, S3, T1_BASE, T2_3, W16, W17, W18_BASE, W19_BASE, TARGET_MSW,
  prepareScalar, checkNonce, hashHeader as hashHeaderScalar,
} from './scalar-core';

const KV: usize = memory.data(64 * 16, 16); // K[i] in all lanes
const W1: usize = memory.data(64 * 16, 16); // first hash, block 2 schedule
const WK1: usize = memory.data(64 * 16, 16); // ... plus K
const W2: usize = memory.data(64 * 16, 16); // second hash schedule
const WK2: usize = memory.data(64 * 16, 16); // ... plus K
const ST: usize = memory.data(8 * 16, 16); // state handed to and from blocks()

let found: u32 = 0;

function rotr(x: v128, n: i32): v128 {
  return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n));
}
function bs0(x: v128): v128 {
  return v128.xor(v128.xor(rotr(x, 2), rotr(x, 13)), rotr(x, 22));
}
function bs1(x: v128): v128 {
  return v128.xor(v128.xor(rotr(x, 6), rotr(x, 11)), rotr(x, 25));
}
function ss0(x: v128): v128 {
  return v128.xor(v128.xor(rotr(x, 7), rotr(x, 18)), i32x4.shr_u(x, 3));
}
function ss1(x: v128): v128 {
  return v128.xor(v128.xor(rotr(x, 17), rotr(x, 19)), i32x4.shr_u(x, 10));
}
function ch(e: v128, f: v128, g: v128): v128 {
  return v128.bitselect(f, g, e);
}
function maj(a: v128, b: v128, c: v128): v128 {
  return v128.bitselect(c, b, v128.xor(a, b));
}
function bswapLanes(x: v128): v128 {
  return i8x16.shuffle(x, x, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}
function splat(p: usize): v128 {
  return i32x4.splat(load<i32>(p));
}

// Extends the schedule at w to words [from, to) and stores word + K at wk.
function extend(w: usize, wk: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) {
    const p = w + (<usize>i << 4);
    const x = i32x4.add(
      i32x4.add(ss1(v128.load(p - 32)), v128.load(p - 112)),
      i32x4.add(ss0(v128.load(p - 240)), v128.load(p - 256)),
    );
    v128.store(p, x);
    v128.store(wk + (<usize>i << 4), i32x4.add(x, v128.load(KV + (<usize>i << 4))));
  }
}

// Rounds [from, to), both multiples of 8, on the state at ST, eight rounds per iteration with the register
// roles rotated instead of moving values.
function blocks(wk: usize, from: i32, to: i32): void {
  let a = v128.load(ST), b = v128.load(ST, 16), c = v128.load(ST, 32), d = v128.load(ST, 48);
  let e = v128.load(ST, 64), f = v128.load(ST, 80), g = v128.load(ST, 96), h = v128.load(ST, 112);
  for (let i = from; i < to; i += 8) {
    const p = wk + (<usize>i << 4);
    let t = i32x4.add(i32x4.add(h, bs1(e)), i32x4.add(ch(e, f, g), v128.load(p)));
    d = i32x4.add(d, t);
    h = i32x4.add(t, i32x4.add(bs0(a), maj(a, b, c)));
    t = i32x4.add(i32x4.add(g, bs1(d)), i32x4.add(ch(d, e, f), v128.load(p, 16)));
    c = i32x4.add(c, t);
    g = i32x4.add(t, i32x4.add(bs0(h), maj(h, a, b)));
    t = i32x4.add(i32x4.add(f, bs1(c)), i32x4.add(ch(c, d, e), v128.load(p, 32)));
    b = i32x4.add(b, t);
    f = i32x4.add(t, i32x4.add(bs0(g), maj(g, h, a)));
    t = i32x4.add(i32x4.add(e, bs1(b)), i32x4.add(ch(b, c, d), v128.load(p, 48)));
    a = i32x4.add(a, t);
    e = i32x4.add(t, i32x4.add(bs0(f), maj(f, g, h)));
    t = i32x4.add(i32x4.add(d, bs1(a)), i32x4.add(ch(a, b, c), v128.load(p, 64)));
    h = i32x4.add(h, t);
    d = i32x4.add(t, i32x4.add(bs0(e), maj(e, f, g)));
    t = i32x4.add(i32x4.add(c, bs1(h)), i32x4.add(ch(h, a, b), v128.load(p, 80)));
    g = i32x4.add(g, t);
    c = i32x4.add(t, i32x4.add(bs0(d), maj(d, e, f)));
    t = i32x4.add(i32x4.add(b, bs1(g)), i32x4.add(ch(g, h, a), v128.load(p, 96)));
    f = i32x4.add(f, t);
    b = i32x4.add(t, i32x4.add(bs0(c), maj(c, d, e)));
    t = i32x4.add(i32x4.add(a, bs1(f)), i32x4.add(ch(f, g, h), v128.load(p, 112)));
    e = i32x4.add(e, t);
    a = i32x4.add(t, i32x4.add(bs0(b), maj(b, c, d)));
  }
  v128.store(ST, a);
  v128.store(ST, b, 16);
  v128.store(ST, c, 32);
  v128.store(ST, d, 48);
  v128.store(ST, e, 64);
  v128.store(ST, f, 80);
  v128.store(ST, g, 96);
  v128.store(ST, h, 112);
}

// Final word 7 of the second hash for the four nonces whose byte-swapped values are w3 (lane order kept).
function word7(w3: v128): v128 {
  // First hash, block 2: schedule words 18 and 19 are the only early ones that depend on the nonce.
  v128.store(W1 + 18 * 16, i32x4.add(splat(W18_BASE), ss0(w3)));
  v128.store(W1 + 19 * 16, i32x4.add(splat(W19_BASE), w3));
  v128.store(WK1 + 18 * 16, i32x4.add(v128.load(W1 + 18 * 16), v128.load(KV + 18 * 16)));
  v128.store(WK1 + 19 * 16, i32x4.add(v128.load(W1 + 19 * 16), v128.load(KV + 19 * 16)));
  extend(W1, WK1, 20, 64);

  // Round 3 from the precomputed state, then rounds 4-7 with the roles rotated by four.
  let t = i32x4.add(splat(T1_BASE), w3);
  let e = i32x4.add(t, splat(T2_3));
  let f = splat(S3);
  let g = splat(S3 + 4);
  let h = splat(S3 + 8);
  let a = i32x4.add(splat(S3 + 12), t);
  let b = splat(S3 + 16);
  let c = splat(S3 + 20);
  let d = splat(S3 + 24);
  t = i32x4.add(i32x4.add(d, bs1(a)), i32x4.add(ch(a, b, c), v128.load(WK1 + 4 * 16)));
  h = i32x4.add(h, t);
  d = i32x4.add(t, i32x4.add(bs0(e), maj(e, f, g)));
  t = i32x4.add(i32x4.add(c, bs1(h)), i32x4.add(ch(h, a, b), v128.load(WK1 + 5 * 16)));
  g = i32x4.add(g, t);
  c = i32x4.add(t, i32x4.add(bs0(d), maj(d, e, f)));
  t = i32x4.add(i32x4.add(b, bs1(g)), i32x4.add(ch(g, h, a), v128.load(WK1 + 6 * 16)));
  f = i32x4.add(f, t);
  b = i32x4.add(t, i32x4.add(bs0(c), maj(c, d, e)));
  t = i32x4.add(i32x4.add(a, bs1(f)), i32x4.add(ch(f, g, h), v128.load(WK1 + 7 * 16)));
  e = i32x4.add(e, t);
  a = i32x4.add(t, i32x4.add(bs0(b), maj(b, c, d)));
  v128.store(ST, a);
  v128.store(ST, b, 16);
  v128.store(ST, c, 32);
  v128.store(ST, d, 48);
  v128.store(ST, e, 64);
  v128.store(ST, f, 80);
  v128.store(ST, g, 96);
  v128.store(ST, h, 112);
  blocks(WK1, 8, 64);

  // Second hash: message = first digest (state + midstate), then constant padding words stored by prepare().
  for (let i: usize = 0; i < 8; i++) {
    const x = i32x4.add(v128.load(ST + (i << 4)), splat(MID + (i << 2)));
    v128.store(W2 + (i << 4), x);
    v128.store(WK2 + (i << 4), i32x4.add(x, v128.load(KV + (i << 4))));
    v128.store(ST + (i << 4), splat(IV + (i << 2)));
  }
  extend(W2, WK2, 16, 61);
  blocks(WK2, 0, 56);
  a = v128.load(ST);
  b = v128.load(ST, 16);
  c = v128.load(ST, 32);
  d = v128.load(ST, 48);
  e = v128.load(ST, 64);
  f = v128.load(ST, 80);
  g = v128.load(ST, 96);
  h = v128.load(ST, 112);
  t = i32x4.add(i32x4.add(h, bs1(e)), i32x4.add(ch(e, f, g), v128.load(WK2 + 56 * 16)));
  d = i32x4.add(d, t);
  h = i32x4.add(t, i32x4.add(bs0(a), maj(a, b, c)));
  t = i32x4.add(i32x4.add(g, bs1(d)), i32x4.add(ch(d, e, f), v128.load(WK2 + 57 * 16)));
  c = i32x4.add(c, t);
  g = i32x4.add(t, i32x4.add(bs0(h), maj(h, a, b)));
  t = i32x4.add(i32x4.add(f, bs1(c)), i32x4.add(ch(c, d, e), v128.load(WK2 + 58 * 16)));
  b = i32x4.add(b, t);
  f = i32x4.add(t, i32x4.add(bs0(g), maj(g, h, a)));
  t = i32x4.add(i32x4.add(e, bs1(b)), i32x4.add(ch(b, c, d), v128.load(WK2 + 59 * 16)));
  a = i32x4.add(a, t);
  e = i32x4.add(t, i32x4.add(bs0(f), maj(f, g, h)));
  // Round 60: only the new `e` (held by h in this role rotation) is needed.
  t = i32x4.add(i32x4.add(d, bs1(a)), i32x4.add(ch(a, b, c), v128.load(WK2 + 60 * 16)));
  h = i32x4.add(h, t);
  return i32x4.add(h, splat(IV + 28));
}

/** Address of the 144-byte I/O area: header 0..79, target 80..111, digest 112..143. */
export function io(): usize {
  return IO;
}

/** Takes the header and target from io() and precomputes everything that does not depend on the nonce. */
export function prepare(): void {
  prepareScalar();
  for (let i: usize = 0; i < 64; i++) v128.store(KV + (i << 4), splat(K + (i << 2)));
  // Block 2 of the first hash: W4 = 0x80000000, W5..W14 = 0, W15 = 640 (bit length of the header), W16, W17.
  for (let i: usize = 4; i < 18; i++) {
    const x: u32 = i == 4 ? 0x80000000 : i == 15 ? 640 : i == 16 ? load<u32>(W16) : i == 17 ? load<u32>(W17) : 0;
    v128.store(W1 + (i << 4), i32x4.splat(x));
    v128.store(WK1 + (i << 4), i32x4.splat(x + load<u32>(K + (i << 2))));
  }
  // Second hash: W8 = 0x80000000, W9..W14 = 0, W15 = 256 (bit length of the first digest).
  for (let i: usize = 8; i < 16; i++) {
    const x: u32 = i == 8 ? 0x80000000 : i == 15 ? 256 : 0;
    v128.store(W2 + (i << 4), i32x4.splat(x));
    v128.store(WK2 + (i << 4), i32x4.splat(x + load<u32>(K + (i << 2))));
  }
}

/** Searches [start, start + count); returns 1 and sets foundNonce() at the first hit, else 0. */
export function search(start: u32, count: u32): i32 {
  const tmsw = splat(TARGET_MSW);
  const lanes = i32x4(0, 1, 2, 3);
  for (let done: u32 = 0; done < count; done += 4) {
    const n = start + done;
    const nonces = i32x4.add(i32x4.splat(n), lanes);
    const msw = bswapLanes(word7(bswapLanes(nonces)));
    const hit = i32x4.le_u(msw, tmsw);
    if (!v128.any_true(hit)) continue;
    const left = count - done;
    if (i32x4.extract_lane(hit, 0) != 0 && checkNonce(n)) return report(n);
    if (left > 1 && i32x4.extract_lane(hit, 1) != 0 && checkNonce(n + 1)) return report(n + 1);
    if (left > 2 && i32x4.extract_lane(hit, 2) != 0 && checkNonce(n + 2)) return report(n + 2);
    if (left > 3 && i32x4.extract_lane(hit, 3) != 0 && checkNonce(n + 3)) return report(n + 3);
  }
  return 0;
}

function report(nonce: u32): i32 {
  found = nonce;
  return 1;
}

/** The nonce of the last successful search(). */
export function foundNonce(): u32 {
  return found;
}

/** Writes the header's double SHA-256 with `nonce` to io() + 112 (for tests). */
export function hashHeader(nonce: u32): void {
  hashHeaderScalar(nonce);
}
