// Portable SHA-256 and the portable nonce scanner (the fallback when the CPU has no SHA extensions).
#include <cstring>

#include "sha256.h"

namespace chain_mining {

namespace {

inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
inline uint32_t big_sigma0(uint32_t x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
inline uint32_t big_sigma1(uint32_t x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
inline uint32_t small_sigma0(uint32_t x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
inline uint32_t small_sigma1(uint32_t x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }
inline uint32_t ch(uint32_t e, uint32_t f, uint32_t g) { return g ^ (e & (f ^ g)); }
inline uint32_t maj(uint32_t a, uint32_t b, uint32_t c) { return (a & b) | (c & (a | b)); }

// Second hash of the header, stopped after round 60: its `e` plus IV[7] is final word 7, the digest's most
// significant 32 bits once byte-swapped, which is all the early rejection needs.
inline uint32_t second_hash_word7(const uint32_t first[8]) {
  uint32_t w[64];
  for (int i = 0; i < 8; ++i) w[i] = first[i];
  w[8] = 0x80000000u;
  for (int i = 9; i < 15; ++i) w[i] = 0;
  w[15] = 256;
  for (int i = 16; i < 61; ++i) w[i] = small_sigma1(w[i - 2]) + w[i - 7] + small_sigma0(w[i - 15]) + w[i - 16];
  uint32_t a = kSha256IV[0], b = kSha256IV[1], c = kSha256IV[2], d = kSha256IV[3];
  uint32_t e = kSha256IV[4], f = kSha256IV[5], g = kSha256IV[6], h = kSha256IV[7];
  for (int i = 0; i < 61; ++i) {
    const uint32_t t1 = h + big_sigma1(e) + ch(e, f, g) + kSha256K[i] + w[i];
    const uint32_t t2 = big_sigma0(a) + maj(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  return e + kSha256IV[7];
}

}  // namespace

void sha256_compress(uint32_t state[8], const uint32_t block[16]) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i) w[i] = block[i];
  for (int i = 16; i < 64; ++i) w[i] = small_sigma1(w[i - 2]) + w[i - 7] + small_sigma0(w[i - 15]) + w[i - 16];
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (int i = 0; i < 64; ++i) {
    const uint32_t t1 = h + big_sigma1(e) + ch(e, f, g) + kSha256K[i] + w[i];
    const uint32_t t2 = big_sigma0(a) + maj(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

void prepare_job(Job& job, const uint8_t header[80], const uint8_t target_le[32]) {
  std::memcpy(job.header, header, 80);
  uint32_t block[16];
  for (int i = 0; i < 16; ++i) block[i] = load_be32(header + 4 * i);
  std::memcpy(job.midstate, kSha256IV, sizeof job.midstate);
  sha256_compress(job.midstate, block);
  for (int i = 0; i < 3; ++i) job.tail[i] = load_be32(header + 64 + 4 * i);
  for (int i = 0; i < 8; ++i) job.target[i] = load_le32(target_le + 4 * i);
}

static void first_hash(const Job& job, uint32_t nonce, uint32_t state[8]) {
  const uint32_t block[16] = {job.tail[0], job.tail[1], job.tail[2], bswap32(nonce), 0x80000000u, 0, 0, 0,
                              0,           0,           0,           0,              0,           0, 0, 640};
  std::memcpy(state, job.midstate, 32);
  sha256_compress(state, block);
}

void sha256d_header(const Job& job, uint32_t nonce, uint8_t out[32]) {
  uint32_t first[8];
  first_hash(job, nonce, first);
  const uint32_t block[16] = {first[0], first[1], first[2], first[3], first[4], first[5], first[6], first[7],
                              0x80000000u, 0, 0, 0, 0, 0, 0, 256};
  uint32_t state[8];
  std::memcpy(state, kSha256IV, sizeof state);
  sha256_compress(state, block);
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = uint8_t(state[i] >> 24);
    out[4 * i + 1] = uint8_t(state[i] >> 16);
    out[4 * i + 2] = uint8_t(state[i] >> 8);
    out[4 * i + 3] = uint8_t(state[i]);
  }
}

bool hash_meets_target(const uint8_t hash[32], const uint32_t target[8]) {
  for (int i = 7; i >= 0; --i) {
    const uint32_t limb = load_le32(hash + 4 * i);
    if (limb != target[i]) return limb < target[i];
  }
  return true;
}

bool check_nonce(const Job& job, uint32_t nonce) {
  uint8_t hash[32];
  sha256d_header(job, nonce, hash);
  return hash_meets_target(hash, job.target);
}

void precompute_block2(const Job& job, Block2Precomp* out) {
  uint32_t a = job.midstate[0], b = job.midstate[1], c = job.midstate[2], d = job.midstate[3];
  uint32_t e = job.midstate[4], f = job.midstate[5], g = job.midstate[6], h = job.midstate[7];
  for (int i = 0; i < 3; ++i) {
    const uint32_t t1 = h + big_sigma1(e) + ch(e, f, g) + kSha256K[i] + job.tail[i];
    const uint32_t t2 = big_sigma0(a) + maj(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  const uint32_t s3[8] = {a, b, c, d, e, f, g, h};
  for (int i = 0; i < 8; ++i) out->s3[i] = s3[i];
  out->t1_base = h + big_sigma1(e) + ch(e, f, g) + kSha256K[3];
  out->t2_3 = big_sigma0(a) + maj(a, b, c);
  out->w16 = small_sigma0(job.tail[1]) + job.tail[0];
  out->w17 = small_sigma1(640) + small_sigma0(job.tail[2]) + job.tail[1];
  out->w18_base = small_sigma1(out->w16) + job.tail[2];
  out->w19_base = small_sigma1(out->w17) + small_sigma0(0x80000000u);
}

bool scan_portable(const Job& job, uint32_t start, uint64_t end, uint32_t* hit) {
  const uint32_t target_msw = job.target[7];
  for (uint64_t n = start; n < end; ++n) {
    uint32_t first[8];
    first_hash(job, uint32_t(n), first);
    if (bswap32(second_hash_word7(first)) > target_msw) continue;
    if (check_nonce(job, uint32_t(n))) {
      *hit = uint32_t(n);
      return true;
    }
  }
  return false;
}

}  // namespace chain_mining
