// Multi-lane nonce scanner body, one nonce per 32-bit lane of a GCC/Clang vector type. Included by
// sha256-vector.cc once per vector width, each time inside its own target region (AVX2, AVX-512F) and its own
// namespace; everything here has internal linkage so no instruction-set-specific copy leaks into other code.
//
// Define before including: CHAIN_LANES_NS (namespace name) and CHAIN_LANES_BYTES (vector size in bytes); with
// CHAIN_LANES_AVX512 the AVX-512 intrinsics replace what GCC compiles poorly from generic code (Maj as one
// vpternlogd, the mask compare of the early rejection) and the round is ordered for latency (see round()).
//
// Same structure as the CUDA kernel: rounds 3-63 of the first hash from the precomputed block-2 state, rounds
// 0-60 of the second, and final word 7 = e after round 60 + IV[7] for the early rejection. Nothing that is the
// same for every nonce is computed per nonce: the message words known to be zero or constant (padding, lengths)
// are folded at compile time into K + W and into constant parts of the schedule words, and every constant is
// read from memory (kLaneConsts, through lane_consts()) so that it reaches the vector unit as a broadcast operand
// of the instruction that uses it; GCC otherwise builds each one with a scalar move and a register broadcast,
// ~150 extra vector-unit operations per 16 nonces.

namespace chain_mining {
namespace CHAIN_LANES_NS {
namespace {

typedef uint32_t V __attribute__((vector_size(CHAIN_LANES_BYTES)));
constexpr int kLanes = CHAIN_LANES_BYTES / 4;

inline V splat(uint32_t x) {
  V v = {};
  return v + x;
}
inline V rotr(V x, int n) { return (x >> n) | (x << (32 - n)); }
inline V big_sigma0(V x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
inline V big_sigma1(V x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
inline V small_sigma0(V x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
inline V small_sigma1(V x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }
inline V ch(V e, V f, V g) { return g ^ (e & (f ^ g)); }
#ifdef CHAIN_LANES_AVX512
inline V maj(V a, V b, V c) { return (V)_mm512_ternarylogic_epi32((__m512i)a, (__m512i)b, (__m512i)c, 0xE8); }
// Bytes of rotr 24 where the mask is set, of rotr 8 elsewhere.
inline V bswap_lanes(V x) {
  return (V)_mm512_ternarylogic_epi32((__m512i)rotr(x, 8), (__m512i)rotr(x, 24), (__m512i)splat(0x00ff00ffu), 0xD8);
}
// True when some lane of x is <= t (unsigned).
inline bool any_le(V x, uint32_t t) { return _mm512_cmple_epu32_mask((__m512i)x, _mm512_set1_epi32(int(t))) != 0; }
#else
inline V maj(V a, V b, V c) { return (a & b) | (c & (a | b)); }
inline V bswap_lanes(V x) { return (rotr(x, 8) & 0xff00ff00u) | (rotr(x, 24) & 0x00ff00ffu); }
inline bool any_le(V x, uint32_t t) {
  uint32_t m = x[0];
  for (int j = 1; j < kLanes; ++j) m = x[j] < m ? x[j] : m;
  return m <= t;
}
#endif

constexpr uint32_t s0c(uint32_t x) { return ((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3); }
constexpr uint32_t s1c(uint32_t x) { return ((x >> 17) | (x << 15)) ^ ((x >> 19) | (x << 13)) ^ (x >> 10); }
constexpr uint32_t rotr_c(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

// What is known at compile time about one hash's message words: known[i] words are constants (value[i]); the
// others vary with the nonce (or the job). For a schedule word, cst[i] is the sum of its terms that are constant.
struct Shape {
  bool known[64];
  uint32_t value[64];
  uint32_t cst[64];
};

// First hash, second block: W4..W15 are the padding and the length (640 bits); W0..W3 and the schedule vary.
// Second hash: W8..W15 are the padding and the length (256 bits); W0..W7 are the first digest.
constexpr Shape make_shape(int first_known, uint32_t length_bits) {
  Shape s{};
  for (int i = first_known; i < 16; ++i) {
    s.known[i] = true;
    s.value[i] = i == first_known ? 0x80000000u : i == 15 ? length_bits : 0;
  }
  for (int i = 16; i < 64; ++i) {
    uint32_t c = 0;
    if (s.known[i - 2]) c += s1c(s.value[i - 2]);
    if (s.known[i - 7]) c += s.value[i - 7];
    if (s.known[i - 15]) c += s0c(s.value[i - 15]);
    if (s.known[i - 16]) c += s.value[i - 16];
    s.cst[i] = c;
  }
  return s;
}
constexpr Shape kShape1 = make_shape(4, 640);
constexpr Shape kShape2 = make_shape(8, 256);

// The constants as data. Read only through lane_consts().
struct LaneConsts {
  uint32_t k[64];
  uint32_t kw1[64];   // K[i] + W[i] for the first hash's known words
  uint32_t kw2[64];   // same for the second hash
  uint32_t cst1[64];  // constant parts of the schedule words
  uint32_t cst2[64];
  uint32_t iv[8];
  uint32_t round0_a, round0_e;  // second hash, round 0 from the IV: a = W0 + round0_a, e = W0 + round0_e
};
constexpr LaneConsts make_consts() {
  LaneConsts c{};
  for (int i = 0; i < 64; ++i) {
    c.k[i] = kSha256K[i];
    c.kw1[i] = kSha256K[i] + kShape1.value[i];
    c.kw2[i] = kSha256K[i] + kShape2.value[i];
    c.cst1[i] = kShape1.cst[i];
    c.cst2[i] = kShape2.cst[i];
  }
  for (int i = 0; i < 8; ++i) c.iv[i] = kSha256IV[i];
  const uint32_t* iv = kSha256IV;
  const uint32_t t1 = iv[7] + (rotr_c(iv[4], 6) ^ rotr_c(iv[4], 11) ^ rotr_c(iv[4], 25)) +
                      (iv[6] ^ (iv[4] & (iv[5] ^ iv[6]))) + kSha256K[0];
  const uint32_t t2 = (rotr_c(iv[0], 2) ^ rotr_c(iv[0], 13) ^ rotr_c(iv[0], 22)) +
                      ((iv[0] & iv[1]) | (iv[2] & (iv[0] | iv[1])));
  c.round0_a = t1 + t2;
  c.round0_e = t1 + iv[3];
  return c;
}
alignas(64) constexpr LaneConsts kLaneConsts = make_consts();

// kLaneConsts behind a pointer the compiler cannot see through, so it loads each constant where it is used.
// Only where constants can be operands as they are (AVX2 broadcasts, AVX-512 embedded broadcasts): the 128-bit
// build is faster with the compiler's own constant pool.
inline const LaneConsts& lane_consts() {
  const LaneConsts* p = &kLaneConsts;
#ifdef CHAIN_LANES_CONSTS_IN_MEMORY
  __asm__("" : "+r"(p));
#endif
  return *p;
}

#ifdef CHAIN_LANES_AVX512
// Stops the compiler from re-associating a sum across this point (no instruction).
inline V keep(V x) {
  __asm__("" : "+v"(x));
  return x;
}

// One round on state s with K + W given. Vector adds and logic take 2 cycles on Zen 5 (measured here), so the
// chain through the rounds decides the speed: e' = ((d + h + K + W) + Ch) + Sigma1(e) and
// a' = ((e' - d) + Maj) + Sigma0(a) add the values known early first, 3 steps of 2 cycles from e and from a
// instead of 4 with T1 = h + Sigma1 + Ch + K + W. 32 registers hold the extra values; with AVX2's 16 the
// spills cost more than the chain saves, so the narrower scanners keep the textbook round.
inline __attribute__((always_inline)) void round(V (&s)[8], V kw) {
  const V hk = s[7] + kw;
  const V e = keep(keep(hk + s[3]) + ch(s[4], s[5], s[6])) + big_sigma1(s[4]);
  const V a = keep(keep(e - s[3]) + maj(s[0], s[1], s[2])) + big_sigma0(s[0]);
  s[7] = s[6];
  s[6] = s[5];
  s[5] = s[4];
  s[4] = e;
  s[3] = s[2];
  s[2] = s[1];
  s[1] = s[0];
  s[0] = a;
}
#else
// One round on state s with K + W given.
inline __attribute__((always_inline)) void round(V (&s)[8], V kw) {
  const V t1 = s[7] + kw + ch(s[4], s[5], s[6]) + big_sigma1(s[4]);
  const V t2 = big_sigma0(s[0]) + maj(s[0], s[1], s[2]);
  s[7] = s[6];
  s[6] = s[5];
  s[5] = s[4];
  s[4] = s[3] + t1;
  s[3] = s[2];
  s[2] = s[1];
  s[1] = s[0];
  s[0] = t1 + t2;
}
#endif

// Rounds [kFrom, kTo) of a hash of the given shape; schedule words from kSchedFrom on are computed just before
// their round from the varying terms plus the constant part.
template <int kFrom, int kTo, int kSchedFrom>
inline __attribute__((always_inline)) void rounds(V (&s)[8], V (&w)[64], const Shape& shape, const uint32_t* kw,
                                                  const uint32_t* cst, const LaneConsts& c) {
#pragma GCC unroll 64
  for (int i = kFrom; i < kTo; ++i) {
    if (i >= kSchedFrom) {
      V x = {};
      if (!shape.known[i - 2]) x += small_sigma1(w[i - 2]);
      if (!shape.known[i - 7]) x += w[i - 7];
      if (!shape.known[i - 15]) x += small_sigma0(w[i - 15]);
      if (!shape.known[i - 16]) x += w[i - 16];
      if (shape.cst[i] != 0) x += cst[i];
      w[i] = x;
    }
    round(s, shape.known[i] ? splat(kw[i]) : w[i] + c.k[i]);
  }
}

// Final word 7 (before byte swap) of the second hash for the nonces whose byte-swapped values are w3.
__attribute__((noinline)) V word7(const Job& job, const Block2Precomp& p, V w3) {
  const LaneConsts& c = lane_consts();
  V w[64];
  w[16] = splat(p.w16);
  w[17] = splat(p.w17);
  w[18] = p.w18_base + small_sigma0(w3);
  w[19] = p.w19_base + w3;
  const V t1 = p.t1_base + w3;
  V s[8] = {t1 + p.t2_3,  splat(p.s3[0]), splat(p.s3[1]), splat(p.s3[2]),
            p.s3[3] + t1, splat(p.s3[4]), splat(p.s3[5]), splat(p.s3[6])};
  rounds<4, 64, 20>(s, w, kShape1, c.kw1, c.cst1, c);

  V v[64];
  for (int i = 0; i < 8; ++i) v[i] = s[i] + job.midstate[i];
  // Round 0 from the IV: everything but W0 is a constant.
  V t[8] = {v[0] + c.round0_a, splat(c.iv[0]), splat(c.iv[1]), splat(c.iv[2]),
            v[0] + c.round0_e, splat(c.iv[4]), splat(c.iv[5]), splat(c.iv[6])};
  rounds<1, 61, 16>(t, v, kShape2, c.kw2, c.cst2, c);
  return t[4] + c.iv[7];
}

bool scan(const Job& job, uint32_t start, uint64_t end, uint32_t* hit) {
  Block2Precomp p;
  precompute_block2(job, &p);
  const uint32_t target_msw = job.target[7];
  V lane_offsets;
  for (int j = 0; j < kLanes; ++j) lane_offsets[j] = uint32_t(j);
  uint64_t n = start;
  for (; n + kLanes <= end; n += kLanes) {
    const V nonces = splat(uint32_t(n)) + lane_offsets;
    const V msw = bswap_lanes(word7(job, p, bswap_lanes(nonces)));
    if (!any_le(msw, target_msw)) continue;
    for (int j = 0; j < kLanes; ++j) {
      if (msw[j] <= target_msw && check_nonce(job, uint32_t(n) + uint32_t(j))) {
        *hit = uint32_t(n) + uint32_t(j);
        return true;
      }
    }
  }
  return n < end && scan_portable(job, uint32_t(n), end, hit);
}

}  // namespace
}  // namespace CHAIN_LANES_NS
}  // namespace chain_mining
