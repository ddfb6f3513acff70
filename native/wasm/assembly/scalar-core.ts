// AssemblyScript (compiled by asc, not tsc). Scalar SHA-256 shared by the SIMD and scalar miner builds: the
// per-job precomputation (midstate of the first 64 header bytes, block-2 rounds 0-2, nonce-free schedule
// words) and the full double hash that confirms a candidate nonce against the whole 256-bit target.
//
// Memory the host (JavaScript) sees, at io(): header bytes 0..79, target bytes 80..111 (little-endian, as
// SPEC 3 compares), digest bytes 112..143 written by hashHeader().

export const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

export const IV: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

export const IO: usize = memory.data(144, 16);
export const DIGEST: usize = IO + 112;

// Per-job values (u32 each): midstate 0..7, block-2 state after round 2 at 8..15, then round 3's T1 without
// the nonce word, round 3's T2, W16, W17, W18 - s0(W3), W19 - W3, the target's most significant limb, and the
// target's eight little-endian limbs.
export const JOB: usize = memory.data(128, 16);
export const MID: usize = JOB;
export const S3: usize = JOB + 32;
export const T1_BASE: usize = JOB + 64;
export const T2_3: usize = JOB + 68;
export const W16: usize = JOB + 72;
export const W17: usize = JOB + 76;
export const W18_BASE: usize = JOB + 80;
export const W19_BASE: usize = JOB + 84;
export const TARGET_MSW: usize = JOB + 88;
export const TARGET: usize = JOB + 96;

const W: usize = memory.data(256, 16);
const STATE: usize = memory.data(32, 16);
const FIRST: usize = memory.data(32, 16);
const SECOND: usize = memory.data(32, 16);

export function bigSigma0(x: u32): u32 {
  return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22);
}
export function bigSigma1(x: u32): u32 {
  return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25);
}
export function smallSigma0(x: u32): u32 {
  return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3);
}
export function smallSigma1(x: u32): u32 {
  return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10);
}

// Rounds [from, to) over the 8-word state at `state`, message words at W (extended on the fly past 15).
function rounds(state: usize, from: i32, to: i32): void {
  let a = load<u32>(state), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  let e = load<u32>(state, 16), f = load<u32>(state, 20), g = load<u32>(state, 24), h = load<u32>(state, 28);
  for (let i = from; i < to; i++) {
    const p = W + (<usize>i << 2);
    if (i >= 16) {
      store<u32>(p, smallSigma1(load<u32>(p - 8)) + load<u32>(p - 28) + smallSigma0(load<u32>(p - 60)) + load<u32>(p - 64));
    }
    const t1 = h + bigSigma1(e) + ((e & f) ^ (~e & g)) + load<u32>(K + (<usize>i << 2)) + load<u32>(p);
    const t2 = bigSigma0(a) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  store<u32>(state, a);
  store<u32>(state, b, 4);
  store<u32>(state, c, 8);
  store<u32>(state, d, 12);
  store<u32>(state, e, 16);
  store<u32>(state, f, 20);
  store<u32>(state, g, 24);
  store<u32>(state, h, 28);
}

// Full compression of the 16 words at W into the state at `state` (adds the input state back).
function compress(state: usize): void {
  memory.copy(STATE, state, 32);
  rounds(STATE, 0, 64);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(state + i, load<u32>(state + i) + load<u32>(STATE + i));
}

function setBlockTail(nonce: u32): void {
  for (let i: usize = 0; i < 3; i++) store<u32>(W + (i << 2), bswap<u32>(load<u32>(IO + 64 + (i << 2))));
  store<u32>(W, bswap<u32>(nonce), 12);
  store<u32>(W, 0x80000000, 16);
  for (let i: usize = 20; i < 60; i += 4) store<u32>(W + i, 0);
  store<u32>(W, 640, 60);
}

/** Reads header and target from io() and fills the per-job values. */
export function prepareScalar(): void {
  memory.copy(MID, IV, 32);
  for (let i: usize = 0; i < 64; i += 4) store<u32>(W + i, bswap<u32>(load<u32>(IO + i)));
  compress(MID);

  setBlockTail(0);
  memory.copy(S3, MID, 32);
  rounds(S3, 0, 3);
  const a = load<u32>(S3), b = load<u32>(S3, 4), c = load<u32>(S3, 8);
  const e = load<u32>(S3, 16), f = load<u32>(S3, 20), g = load<u32>(S3, 24), h = load<u32>(S3, 28);
  store<u32>(T1_BASE, h + bigSigma1(e) + ((e & f) ^ (~e & g)) + load<u32>(K, 12));
  store<u32>(T2_3, bigSigma0(a) + ((a & b) ^ (a & c) ^ (b & c)));
  const w0 = load<u32>(W), w1 = load<u32>(W, 4), w2 = load<u32>(W, 8);
  const w16 = smallSigma0(w1) + w0;
  const w17 = smallSigma1(640) + smallSigma0(w2) + w1;
  store<u32>(W16, w16);
  store<u32>(W17, w17);
  store<u32>(W18_BASE, smallSigma1(w16) + w2);
  store<u32>(W19_BASE, smallSigma1(w17) + smallSigma0(0x80000000));
  for (let i: usize = 0; i < 32; i += 4) store<u32>(TARGET + i, load<u32>(IO + 80 + i));
  store<u32>(TARGET_MSW, load<u32>(TARGET, 28));
}

/** Double SHA-256 of the header with `nonce`; the digest's 8 words stay at STATE. */
function sha256dWords(nonce: u32): void {
  memory.copy(FIRST, MID, 32);
  setBlockTail(nonce);
  compress(FIRST);
  memory.copy(W, FIRST, 32);
  store<u32>(W, 0x80000000, 32);
  for (let i: usize = 36; i < 60; i += 4) store<u32>(W + i, 0);
  store<u32>(W, 256, 60);
  memory.copy(SECOND, IV, 32);
  compress(SECOND);
  memory.copy(STATE, SECOND, 32);
}

/** Writes the header's double SHA-256 with `nonce` to the digest bytes of io(). */
export function hashHeader(nonce: u32): void {
  sha256dWords(nonce);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(DIGEST + i, bswap<u32>(load<u32>(STATE + i)));
}

/** Full check: the double hash, read as a 256-bit little-endian integer, is <= the target. */
export function checkNonce(nonce: u32): bool {
  sha256dWords(nonce);
  for (let i: i32 = 7; i >= 0; i--) {
    const limb = bswap<u32>(load<u32>(STATE + (<usize>i << 2)));
    const t = load<u32>(TARGET + (<usize>i << 2));
    if (limb != t) return limb < t;
  }
  return true;
}
