// General-purpose SHA-256 for the node's hot hashing (transaction ids, signing hashes, merkle nodes): SHA-NI when
// the CPU has it, else the portable compression the scanners use. Node's crypto.hash costs ~2 us a call on these
// short inputs (OpenSSL context set-up); this path costs a fraction of that.
#include <cstring>

#include "sha256.h"

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64)
#define CHAIN_HASH_X86 1
#include <immintrin.h>
#if defined(_MSC_VER) && !defined(__clang__)
#define HASH_SHANI_TARGET
#else
#define HASH_SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#endif
#endif

namespace chain_mining {

namespace {

void compress_portable(uint32_t state[8], const uint8_t* data, size_t blocks) {
  uint32_t w[16];
  for (; blocks > 0; --blocks, data += 64) {
    for (int i = 0; i < 16; ++i) w[i] = load_be32(data + 4 * i);
    sha256_compress(state, w);
  }
}

#ifdef CHAIN_HASH_X86
HASH_SHANI_TARGET void compress_shani(uint32_t state[8], const uint8_t* data, size_t blocks) {
  // Byte swap of each 32-bit word: message words are big-endian.
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i abef = _mm_set_epi32(int(state[0]), int(state[1]), int(state[4]), int(state[5]));
  __m128i cdgh = _mm_set_epi32(int(state[2]), int(state[3]), int(state[6]), int(state[7]));
  for (; blocks > 0; --blocks, data += 64) {
    const __m128i abef0 = abef;
    const __m128i cdgh0 = cdgh;
    __m128i w[4];
    for (int i = 0; i < 4; ++i) w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i)), bswap);
    for (int i = 0; i < 16; ++i) {
      if (i >= 4) {
        const __m128i prev = w[(i + 3) & 3];
        const __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]), _mm_alignr_epi8(prev, w[(i + 2) & 3], 4));
        w[i & 3] = _mm_sha256msg2_epu32(t, prev);
      }
      __m128i m = _mm_add_epi32(w[i & 3], _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kSha256K[4 * i])));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m);
      m = _mm_shuffle_epi32(m, 0x0E);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, m);
    }
    abef = _mm_add_epi32(abef, abef0);
    cdgh = _mm_add_epi32(cdgh, cdgh0);
  }
  state[0] = uint32_t(_mm_extract_epi32(abef, 3));
  state[1] = uint32_t(_mm_extract_epi32(abef, 2));
  state[4] = uint32_t(_mm_extract_epi32(abef, 1));
  state[5] = uint32_t(_mm_extract_epi32(abef, 0));
  state[2] = uint32_t(_mm_extract_epi32(cdgh, 3));
  state[3] = uint32_t(_mm_extract_epi32(cdgh, 2));
  state[6] = uint32_t(_mm_extract_epi32(cdgh, 1));
  state[7] = uint32_t(_mm_extract_epi32(cdgh, 0));
}
#endif

using CompressFn = void (*)(uint32_t*, const uint8_t*, size_t);

CompressFn pick_compress() {
#ifdef CHAIN_HASH_X86
  if (cpu_has_shani()) return compress_shani;
#endif
  return compress_portable;
}

}  // namespace

const char* sha256_impl_name() {
  return pick_compress() == compress_portable ? "portable" : "sha-ni";
}

void sha256_digest(const uint8_t* data, size_t len, uint8_t out[32]) {
  static const CompressFn compress = pick_compress();
  uint32_t s[8];
  std::memcpy(s, kSha256IV, sizeof s);
  const size_t full = len / 64;
  compress(s, data, full);
  uint8_t tail[128] = {0};
  const size_t rem = len - full * 64;
  std::memcpy(tail, data + full * 64, rem);
  tail[rem] = 0x80;
  const size_t tail_blocks = rem + 9 <= 64 ? 1 : 2;
  const uint64_t bits = uint64_t(len) * 8;
  for (int i = 0; i < 8; ++i) tail[tail_blocks * 64 - 1 - i] = uint8_t(bits >> (8 * i));
  compress(s, tail, tail_blocks);
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = uint8_t(s[i] >> 24);
    out[4 * i + 1] = uint8_t(s[i] >> 16);
    out[4 * i + 2] = uint8_t(s[i] >> 8);
    out[4 * i + 3] = uint8_t(s[i]);
  }
}

}  // namespace chain_mining
