// AssemblyScript (compiled by asc, not tsc): the scalar miner, one nonce at a time, for engines without
// WebAssembly SIMD. Same structure and exports as miner-simd.ts (keep the two in step). Build: see
// native/wasm/build/README.md.
import {
  IO, IV, K, MID, S3, T1_BASE, T2_3, W16, W17, W18_BASE, W19_BASE, TARGET_MSW,
  prepareScalar, checkNonce, hashHeader as hashHeaderScalar,
  bigSigma0, bigSigma1, smallSigma0, smallSigma1,
} from './scalar-core';

const W1: usize = memory.data(64 * 4, 16); // first hash, block 2 schedule
const WK1: usize = memory.data(64 * 4, 16); // ... plus K
const W2: usize = memory.data(64 * 4, 16); // second hash schedule
const WK2: usize = memory.data(64 * 4, 16); // ... plus K

let found: u32 = 0;
// Round state handed between the unrolled stretches (globals, so no memory round trip).
let sa: u32 = 0, sb: u32 = 0, sc: u32 = 0, sd: u32 = 0, se: u32 = 0, sf: u32 = 0, sg: u32 = 0, sh: u32 = 0;

function ch(e: u32, f: u32, g: u32): u32 {
  return g ^ (e & (f ^ g));
}
function maj(a: u32, b: u32, c: u32): u32 {
  return (a & b) | (c & (a | b));
}

function extend(w: usize, wk: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) {
    const p = w + (<usize>i << 2);
    const x = smallSigma1(load<u32>(p - 8)) + load<u32>(p - 28) + smallSigma0(load<u32>(p - 60)) + load<u32>(p - 64);
    store<u32>(p, x);
    store<u32>(wk + (<usize>i << 2), x + load<u32>(K + (<usize>i << 2)));
  }
}

// Rounds [from, to), both multiples of 8, on the state in sa..sh, eight rounds per iteration with the roles
// rotated instead of moving values.
function blocks(wk: usize, from: i32, to: i32): void {
  let a = sa, b = sb, c = sc, d = sd, e = se, f = sf, g = sg, h = sh;
  for (let i = from; i < to; i += 8) {
    const p = wk + (<usize>i << 2);
    let t = h + bigSigma1(e) + ch(e, f, g) + load<u32>(p);
    d += t;
    h = t + bigSigma0(a) + maj(a, b, c);
    t = g + bigSigma1(d) + ch(d, e, f) + load<u32>(p, 4);
    c += t;
    g = t + bigSigma0(h) + maj(h, a, b);
    t = f + bigSigma1(c) + ch(c, d, e) + load<u32>(p, 8);
    b += t;
    f = t + bigSigma0(g) + maj(g, h, a);
    t = e + bigSigma1(b) + ch(b, c, d) + load<u32>(p, 12);
    a += t;
    e = t + bigSigma0(f) + maj(f, g, h);
    t = d + bigSigma1(a) + ch(a, b, c) + load<u32>(p, 16);
    h += t;
    d = t + bigSigma0(e) + maj(e, f, g);
    t = c + bigSigma1(h) + ch(h, a, b) + load<u32>(p, 20);
    g += t;
    c = t + bigSigma0(d) + maj(d, e, f);
    t = b + bigSigma1(g) + ch(g, h, a) + load<u32>(p, 24);
    f += t;
    b = t + bigSigma0(c) + maj(c, d, e);
    t = a + bigSigma1(f) + ch(f, g, h) + load<u32>(p, 28);
    e += t;
    a = t + bigSigma0(b) + maj(b, c, d);
  }
  sa = a;
  sb = b;
  sc = c;
  sd = d;
  se = e;
  sf = f;
  sg = g;
  sh = h;
}

// Final word 7 of the second hash for the nonce whose byte-swapped value is w3.
function word7(w3: u32): u32 {
  const w18 = load<u32>(W18_BASE) + smallSigma0(w3);
  const w19 = load<u32>(W19_BASE) + w3;
  store<u32>(W1, w18, 18 * 4);
  store<u32>(W1, w19, 19 * 4);
  store<u32>(WK1, w18 + load<u32>(K, 18 * 4), 18 * 4);
  store<u32>(WK1, w19 + load<u32>(K, 19 * 4), 19 * 4);
  extend(W1, WK1, 20, 64);

  // Round 3 from the precomputed state, then rounds 4-7 with the roles rotated by four.
  let t = load<u32>(T1_BASE) + w3;
  let e = t + load<u32>(T2_3);
  let f = load<u32>(S3);
  let g = load<u32>(S3, 4);
  let h = load<u32>(S3, 8);
  let a = load<u32>(S3, 12) + t;
  let b = load<u32>(S3, 16);
  let c = load<u32>(S3, 20);
  let d = load<u32>(S3, 24);
  t = d + bigSigma1(a) + ch(a, b, c) + load<u32>(WK1, 4 * 4);
  h += t;
  d = t + bigSigma0(e) + maj(e, f, g);
  t = c + bigSigma1(h) + ch(h, a, b) + load<u32>(WK1, 5 * 4);
  g += t;
  c = t + bigSigma0(d) + maj(d, e, f);
  t = b + bigSigma1(g) + ch(g, h, a) + load<u32>(WK1, 6 * 4);
  f += t;
  b = t + bigSigma0(c) + maj(c, d, e);
  t = a + bigSigma1(f) + ch(f, g, h) + load<u32>(WK1, 7 * 4);
  e += t;
  a = t + bigSigma0(b) + maj(b, c, d);
  sa = a;
  sb = b;
  sc = c;
  sd = d;
  se = e;
  sf = f;
  sg = g;
  sh = h;
  blocks(WK1, 8, 64);

  // Second hash: message = first digest (state + midstate), then constant padding words stored by prepare().
  const first0 = sa + load<u32>(MID), first1 = sb + load<u32>(MID, 4), first2 = sc + load<u32>(MID, 8);
  const first3 = sd + load<u32>(MID, 12), first4 = se + load<u32>(MID, 16), first5 = sf + load<u32>(MID, 20);
  const first6 = sg + load<u32>(MID, 24), first7 = sh + load<u32>(MID, 28);
  store<u32>(W2, first0);
  store<u32>(W2, first1, 4);
  store<u32>(W2, first2, 8);
  store<u32>(W2, first3, 12);
  store<u32>(W2, first4, 16);
  store<u32>(W2, first5, 20);
  store<u32>(W2, first6, 24);
  store<u32>(W2, first7, 28);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(WK2 + i, load<u32>(W2 + i) + load<u32>(K + i));
  sa = load<u32>(IV);
  sb = load<u32>(IV, 4);
  sc = load<u32>(IV, 8);
  sd = load<u32>(IV, 12);
  se = load<u32>(IV, 16);
  sf = load<u32>(IV, 20);
  sg = load<u32>(IV, 24);
  sh = load<u32>(IV, 28);
  extend(W2, WK2, 16, 61);
  blocks(WK2, 0, 56);
  a = sa;
  b = sb;
  c = sc;
  d = sd;
  e = se;
  f = sf;
  g = sg;
  h = sh;
  t = h + bigSigma1(e) + ch(e, f, g) + load<u32>(WK2, 56 * 4);
  d += t;
  h = t + bigSigma0(a) + maj(a, b, c);
  t = g + bigSigma1(d) + ch(d, e, f) + load<u32>(WK2, 57 * 4);
  c += t;
  g = t + bigSigma0(h) + maj(h, a, b);
  t = f + bigSigma1(c) + ch(c, d, e) + load<u32>(WK2, 58 * 4);
  b += t;
  f = t + bigSigma0(g) + maj(g, h, a);
  t = e + bigSigma1(b) + ch(b, c, d) + load<u32>(WK2, 59 * 4);
  a += t;
  e = t + bigSigma0(f) + maj(f, g, h);
  // Round 60: only the new `e` (held by h in this role rotation) is needed.
  t = d + bigSigma1(a) + ch(a, b, c) + load<u32>(WK2, 60 * 4);
  h += t;
  return h + load<u32>(IV, 28);
}

/** Address of the 144-byte I/O area: header 0..79, target 80..111, digest 112..143. */
export function io(): usize {
  return IO;
}

/** Takes the header and target from io() and precomputes everything that does not depend on the nonce. */
export function prepare(): void {
  prepareScalar();
  for (let i: usize = 4; i < 18; i++) {
    const x: u32 = i == 4 ? 0x80000000 : i == 15 ? 640 : i == 16 ? load<u32>(W16) : i == 17 ? load<u32>(W17) : 0;
    store<u32>(W1 + (i << 2), x);
    store<u32>(WK1 + (i << 2), x + load<u32>(K + (i << 2)));
  }
  for (let i: usize = 8; i < 16; i++) {
    const x: u32 = i == 8 ? 0x80000000 : i == 15 ? 256 : 0;
    store<u32>(W2 + (i << 2), x);
    store<u32>(WK2 + (i << 2), x + load<u32>(K + (i << 2)));
  }
}

/** Searches [start, start + count); returns 1 and sets foundNonce() at the first hit, else 0. */
export function search(start: u32, count: u32): i32 {
  const tmsw = load<u32>(TARGET_MSW);
  for (let done: u32 = 0; done < count; done++) {
    const n = start + done;
    if (bswap<u32>(word7(bswap<u32>(n))) <= tmsw && checkNonce(n)) {
      found = n;
      return 1;
    }
  }
  return 0;
}

/** The nonce of the last successful search(). */
export function foundNonce(): u32 {
  return found;
}

/** Writes the header's double SHA-256 with `nonce` to io() + 112 (for tests). */
export function hashHeader(nonce: u32): void {
  hashHeaderScalar(nonce);
}
