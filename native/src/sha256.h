// SHA-256 pieces shared by the CPU scanners and the CUDA driver: constants, the per-job precomputation
// (midstate of the first 64 header bytes), the full re-check of a candidate nonce and the scan entry points.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chain_mining {

// Visible to every scanner (not extern) so the compiler folds the rounds whose inputs are all constant: the
// second hash's first round from the IV, and K + W for the known-zero padding words of both hashes.
inline constexpr uint32_t kSha256K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

inline constexpr uint32_t kSha256IV[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

// Everything a nonce scan needs, derived once per job from the 80-byte header and the 32-byte target.
struct Job {
  uint8_t header[80];
  uint32_t midstate[8];  // SHA-256 state after the first 64 header bytes
  uint32_t tail[3];      // header bytes 64..75 as big-endian message words (merkle tail, time, bits)
  uint32_t target[8];    // target as little-endian 32-bit limbs; target[7] is the most significant
};

// Scan entry point: searches nonces in [start, end) (end may be 2^32) and stores the first one whose double
// SHA-256 is <= the target in *hit. Returns false when the range holds none.
using ScanFn = bool (*)(const Job& job, uint32_t start, uint64_t end, uint32_t* hit);

static inline uint32_t bswap32(uint32_t x) {
  return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
}

static inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

static inline uint32_t load_le32(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

// Portable SHA-256 compression of one 16-word block into state (adds the input state back, as the standard does).
void sha256_compress(uint32_t state[8], const uint32_t w[16]);

// Fills job from a header (nonce bytes ignored) and a little-endian target.
void prepare_job(Job& job, const uint8_t header[80], const uint8_t target_le[32]);

// Double SHA-256 of the job's header with `nonce` at bytes 76..79, as the 32 digest bytes.
void sha256d_header(const Job& job, uint32_t nonce, uint8_t out[32]);

// True when the digest, read as a 256-bit little-endian integer, is <= target.
bool hash_meets_target(const uint8_t hash[32], const uint32_t target[8]);

// Full re-check of one nonce: double SHA-256 and 256-bit comparison.
bool check_nonce(const Job& job, uint32_t nonce);

// Portable C++ scanner, one nonce at a time with early rejection on the most significant word.
bool scan_portable(const Job& job, uint32_t start, uint64_t end, uint32_t* hit);

// SHA-NI scanner, 4 nonces interleaved. Only call when cpu_has_shani() is true.
bool scan_shani(const Job& job, uint32_t start, uint64_t end, uint32_t* hit);

// Multi-lane scanners (one nonce per 32-bit vector lane, sha256-vector.cc): 4 lanes with the baseline vector
// unit (SSE2 / NEON, or plain scalar code where there is none), 8 with AVX2, 16 with AVX-512F.
bool scan_vec128(const Job& job, uint32_t start, uint64_t end, uint32_t* hit);
bool scan_avx2(const Job& job, uint32_t start, uint64_t end, uint32_t* hit);
bool scan_avx512(const Job& job, uint32_t start, uint64_t end, uint32_t* hit);

// Runtime CPU checks (CPUID plus OS support for the wider registers).
bool cpu_has_shani();
bool cpu_has_avx2();
bool cpu_has_avx512();

// Per-job values of the first hash's second block that do not depend on the nonce: state after rounds 0-2,
// round 3 without the nonce word, and the nonce-free parts of schedule words 16-19 (as in the CUDA kernel).
struct Block2Precomp {
  uint32_t s3[8];
  uint32_t t1_base;   // round 3's T1 without W3
  uint32_t t2_3;      // round 3's T2
  uint32_t w16, w17;  // complete
  uint32_t w18_base;  // W18 - sigma0(W3)
  uint32_t w19_base;  // W19 - W3
};
void precompute_block2(const Job& job, Block2Precomp* out);

// One-shot SHA-256 of any input (sha256-hash.cc): SHA-NI when available, else portable.
void sha256_digest(const uint8_t* data, size_t len, uint8_t out[32]);
const char* sha256_impl_name();

}  // namespace chain_mining
