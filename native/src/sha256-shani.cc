// SHA-NI nonce scanner: LANES nonces hashed interleaved so the sha256rnds2 latency of one chain overlaps the
// others. The functions carry target attributes instead of needing -msha for the whole addon; they only run
// after cpu_has_shani() said yes.
#include "sha256.h"

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64)
#define CHAIN_MINING_X86 1
#include <immintrin.h>
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#define SHANI_TARGET
#else
#include <cpuid.h>
#define SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#endif
#endif

namespace chain_mining {

#ifdef CHAIN_MINING_X86

bool cpu_has_shani() {
  unsigned int a = 0, b = 0, c = 0, d = 0;
#if defined(_MSC_VER) && !defined(__clang__)
  int regs[4];
  __cpuid(regs, 0);
  if (regs[0] < 7) return false;
  __cpuid(regs, 1);
  c = static_cast<unsigned int>(regs[2]);
  const bool sse = (c & (1u << 9)) && (c & (1u << 19));
  __cpuidex(regs, 7, 0);
  b = static_cast<unsigned int>(regs[1]);
  return sse && (b & (1u << 29));
#else
  if (__get_cpuid_max(0, nullptr) < 7) return false;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool sse = (c & (1u << 9)) && (c & (1u << 19));  // SSSE3, SSE4.1
  __cpuid_count(7, 0, a, b, c, d);
  return sse && (b & (1u << 29));  // SHA
#endif
}

namespace {

#ifndef CHAIN_SHANI_LANES
#define CHAIN_SHANI_LANES 4
#endif
constexpr int kLanes = CHAIN_SHANI_LANES;

// Two rounds' worth of K, packed the way the scanner feeds sha256rnds2: quad i holds K[4i..4i+3].
SHANI_TARGET inline __m128i k_quad(int i) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kSha256K[4 * i]));
}

// Packs a-h into the ABEF / CDGH register layout sha256rnds2 works on.
SHANI_TARGET inline void to_abef_cdgh(const uint32_t s[8], __m128i* abef, __m128i* cdgh) {
  *abef = _mm_set_epi32(int(s[0]), int(s[1]), int(s[4]), int(s[5]));
  *cdgh = _mm_set_epi32(int(s[2]), int(s[3]), int(s[6]), int(s[7]));
}

// Four rounds for every lane.
SHANI_TARGET inline void quad_rounds(__m128i (&abef)[kLanes], __m128i (&cdgh)[kLanes], const __m128i (&msg)[kLanes],
                                     __m128i k) {
#pragma GCC unroll 8
  for (int j = 0; j < kLanes; ++j) {
    __m128i m = _mm_add_epi32(msg[j], k);
    cdgh[j] = _mm_sha256rnds2_epu32(cdgh[j], abef[j], m);
    m = _mm_shuffle_epi32(m, 0x0E);
    abef[j] = _mm_sha256rnds2_epu32(abef[j], cdgh[j], m);
  }
}

// Message schedule: the quad W[4i..4i+3] from the previous four quads, held in a ring of four slots.
SHANI_TARGET inline void schedule(__m128i (&w)[4][kLanes], int i) {
#pragma GCC unroll 8
  for (int j = 0; j < kLanes; ++j) {
    const __m128i prev = w[(i + 3) & 3][j];
    const __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(w[i & 3][j], w[(i + 1) & 3][j]),
                                    _mm_alignr_epi8(prev, w[(i + 2) & 3][j], 4));
    w[i & 3][j] = _mm_sha256msg2_epu32(t, prev);
  }
}

struct Precomputed {
  __m128i mid_abef, mid_cdgh;    // midstate
  __m128i after2_abef;           // block 2 state after rounds 0-1, which do not depend on the nonce
  __m128i msg0;                  // block 2 words 0..3 without the nonce
  __m128i iv_abef, iv_cdgh;
};

// Hashes nonces n..n+3 and stores final word 7 of each second hash (before byte swap) in h7.
SHANI_TARGET inline void hash_lanes(const Precomputed& p, uint32_t n, uint32_t (&h7)[kLanes]) {
  __m128i abef[kLanes], cdgh[kLanes], w[4][kLanes];
#pragma GCC unroll 8
  for (int j = 0; j < kLanes; ++j) {
    w[0][j] = _mm_insert_epi32(p.msg0, int(bswap32(n + uint32_t(j))), 3);
    w[1][j] = _mm_set_epi32(0, 0, 0, int(0x80000000u));
    w[2][j] = _mm_setzero_si128();
    w[3][j] = _mm_set_epi32(640, 0, 0, 0);
    // Rounds 2-3 only: rounds 0-1 were done once per job.
    const __m128i m = _mm_shuffle_epi32(_mm_add_epi32(w[0][j], k_quad(0)), 0x0E);
    abef[j] = _mm_sha256rnds2_epu32(p.mid_abef, p.after2_abef, m);
    cdgh[j] = p.after2_abef;
  }
#pragma GCC unroll 16
  for (int i = 1; i < 16; ++i) {
    if (i >= 4) schedule(w, i);
    quad_rounds(abef, cdgh, w[i & 3], k_quad(i));
  }
  // Second hash: message = first digest (state + midstate) then padding for 32 bytes.
#pragma GCC unroll 8
  for (int j = 0; j < kLanes; ++j) {
    const __m128i s0 = _mm_add_epi32(abef[j], p.mid_abef);
    const __m128i s1 = _mm_add_epi32(cdgh[j], p.mid_cdgh);
    w[0][j] = _mm_shuffle_epi32(_mm_unpackhi_epi64(s0, s1), 0xB1);  // A B C D
    w[1][j] = _mm_shuffle_epi32(_mm_unpacklo_epi64(s0, s1), 0xB1);  // E F G H
    w[2][j] = _mm_set_epi32(0, 0, 0, int(0x80000000u));
    w[3][j] = _mm_set_epi32(256, 0, 0, 0);
    abef[j] = p.iv_abef;
    cdgh[j] = p.iv_cdgh;
  }
#pragma GCC unroll 16
  for (int i = 0; i < 15; ++i) {
    if (i >= 4) schedule(w, i);
    quad_rounds(abef, cdgh, w[i & 3], k_quad(i));
  }
  schedule(w, 15);
  // Rounds 60-61 only: F of the resulting ABEF is the `h` that rounds 62-63 would finish with.
#pragma GCC unroll 8
  for (int j = 0; j < kLanes; ++j) {
    const __m128i m = _mm_add_epi32(w[3][j], k_quad(15));
    const __m128i abef_62 = _mm_sha256rnds2_epu32(cdgh[j], abef[j], m);
    h7[j] = uint32_t(_mm_cvtsi128_si32(abef_62)) + kSha256IV[7];
  }
}

}  // namespace

SHANI_TARGET bool scan_shani(const Job& job, uint32_t start, uint64_t end, uint32_t* hit) {
  Precomputed p;
  to_abef_cdgh(job.midstate, &p.mid_abef, &p.mid_cdgh);
  to_abef_cdgh(kSha256IV, &p.iv_abef, &p.iv_cdgh);
  p.msg0 = _mm_set_epi32(0, int(job.tail[2]), int(job.tail[1]), int(job.tail[0]));
  p.after2_abef = _mm_sha256rnds2_epu32(p.mid_cdgh, p.mid_abef, _mm_add_epi32(p.msg0, k_quad(0)));
  const uint32_t target_msw = job.target[7];
  uint64_t n = start;
  for (; n + kLanes <= end; n += kLanes) {
    uint32_t h7[kLanes];
    hash_lanes(p, uint32_t(n), h7);
#pragma GCC unroll 8
    for (int j = 0; j < kLanes; ++j) {
      if (bswap32(h7[j]) <= target_msw && check_nonce(job, uint32_t(n) + uint32_t(j))) {
        *hit = uint32_t(n) + uint32_t(j);
        return true;
      }
    }
  }
  return n < end && scan_portable(job, uint32_t(n), end, hit);
}

#else  // not x86

bool cpu_has_shani() { return false; }

bool scan_shani(const Job& job, uint32_t start, uint64_t end, uint32_t* hit) {
  return scan_portable(job, start, end, hit);
}

#endif

}  // namespace chain_mining
