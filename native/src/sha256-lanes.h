// Multi-lane nonce scanner body, one nonce per 32-bit lane of a GCC/Clang vector type. Included by
// sha256-vector.cc once per vector width, each time inside its own target region (AVX2, AVX-512F) and its own
// namespace; everything here has internal linkage so no instruction-set-specific copy leaks into other code.
//
// Define before including: CHAIN_LANES_NS (namespace name) and CHAIN_LANES_BYTES (vector size in bytes).
// Same structure as the CUDA kernel: rounds 3-63 of the first hash from the precomputed block-2 state, rounds
// 0-60 of the second, and final word 7 = e after round 60 + IV[7] for the early rejection.

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
inline V bswap_lanes(V x) {
  return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
}
inline V big_sigma0(V x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
inline V big_sigma1(V x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
inline V small_sigma0(V x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
inline V small_sigma1(V x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }
inline V ch(V e, V f, V g) { return g ^ (e & (f ^ g)); }
inline V maj(V a, V b, V c) { return (a & b) | (c & (a | b)); }

// Rounds [kFrom, kTo) on s; schedule words from kSchedFrom on are computed just before their round.
template <int kFrom, int kTo, int kSchedFrom>
inline void rounds(V (&s)[8], V (&w)[64]) {
#pragma GCC unroll 64
  for (int i = kFrom; i < kTo; ++i) {
    if (i >= kSchedFrom) w[i] = small_sigma1(w[i - 2]) + w[i - 7] + small_sigma0(w[i - 15]) + w[i - 16];
    const V t1 = s[7] + big_sigma1(s[4]) + ch(s[4], s[5], s[6]) + kSha256K[i] + w[i];
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
}

// Final word 7 (before byte swap) of the second hash for the nonces whose byte-swapped values are w3.
inline V word7(const Job& job, const Block2Precomp& p, V w3) {
  V w[64];
  w[4] = splat(0x80000000u);
  for (int i = 5; i < 15; ++i) w[i] = splat(0);
  w[15] = splat(640);
  w[16] = splat(p.w16);
  w[17] = splat(p.w17);
  w[18] = p.w18_base + small_sigma0(w3);
  w[19] = p.w19_base + w3;
  const V t1 = p.t1_base + w3;
  V s[8] = {t1 + p.t2_3,      splat(p.s3[0]), splat(p.s3[1]), splat(p.s3[2]),
            p.s3[3] + t1,     splat(p.s3[4]), splat(p.s3[5]), splat(p.s3[6])};
  rounds<4, 64, 20>(s, w);

  V v[64];
  for (int i = 0; i < 8; ++i) v[i] = s[i] + job.midstate[i];
  v[8] = splat(0x80000000u);
  for (int i = 9; i < 15; ++i) v[i] = splat(0);
  v[15] = splat(256);
  V t[8];
  for (int i = 0; i < 8; ++i) t[i] = splat(kSha256IV[i]);
  rounds<0, 61, 16>(t, v);
  return t[4] + kSha256IV[7];
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
