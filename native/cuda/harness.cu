// Standalone GPU check and benchmark of the CUDA nonce scanner (the same sha256d-kernel.cu the Node addon loads),
// against an independent, deliberately plain CPU SHA-256.
//
// Build (from the repository root; or `make -C native/cuda`):
//   nvcc -O3 -std=c++17 -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 \
//        -gencode arch=compute_90,code=compute_90 -o build/cuda-harness \
//        native/cuda/harness.cu native/cuda/sha256d-kernel.cu
// Run:
//   ./build/cuda-harness [--device N] [--seconds S]
//
// Steps: (1) the kernel's per-nonce math run on the host vs the reference (needs no GPU); (2) device list;
// (3) Bitcoin blocks 0 (genesis, nonce 2083236893), 1, 100000 and 125552 found in windows of 2^26 nonces around
// their nonces, with nothing earlier; (4) random headers with easy targets, first hit vs a sequential CPU scan;
// (5) targets equal to a hash and one below it (the full 256-bit comparison path); (6) throughput in GH/s over
// the whole nonce space with a target that never hits. Exit status 0 = all passed, 1 = a check failed,
// 2 = no usable GPU (step 1 still ran).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>
#include <algorithm>

#include "chain-cuda.h"

namespace {

// ---- Reference SHA-256 (FIPS 180-4, byte-oriented, no shortcuts) ----

const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void sha256(const uint8_t* msg, size_t len, uint8_t out[32]) {
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::vector<uint8_t> m(msg, msg + len);
  m.push_back(0x80);
  while (m.size() % 64 != 56) m.push_back(0);
  const uint64_t bits = uint64_t(len) * 8;
  for (int i = 7; i >= 0; --i) m.push_back(uint8_t(bits >> (8 * i)));
  for (size_t off = 0; off < m.size(); off += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      w[i] = (uint32_t(m[off + 4 * i]) << 24) | (uint32_t(m[off + 4 * i + 1]) << 16) |
             (uint32_t(m[off + 4 * i + 2]) << 8) | uint32_t(m[off + 4 * i + 3]);
    }
    for (int i = 16; i < 64; ++i) {
      const uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
      const uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 4; ++j) out[4 * i + j] = uint8_t(h[i] >> (24 - 8 * j));
  }
}

void block_hash(const uint8_t header[80], uint32_t nonce, uint8_t out[32]) {
  uint8_t h[80], first[32];
  std::memcpy(h, header, 80);
  for (int i = 0; i < 4; ++i) h[76 + i] = uint8_t(nonce >> (8 * i));
  sha256(h, 80, first);
  sha256(first, 32, out);
}

// hash <= target, both read as 256-bit little-endian integers.
bool meets(const uint8_t hash[32], const uint8_t target[32]) {
  for (int i = 31; i >= 0; --i) {
    if (hash[i] != target[i]) return hash[i] < target[i];
  }
  return true;
}

bool meets_nonce(const uint8_t header[80], uint32_t nonce, const uint8_t target[32]) {
  uint8_t h[32];
  block_hash(header, nonce, h);
  return meets(h, target);
}

std::vector<uint8_t> from_hex(const char* hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) out.push_back(uint8_t(std::stoul(std::string(hex + i, 2), nullptr, 16)));
  return out;
}

std::string display_hash(const uint8_t h[32]) {
  char buf[65];
  for (int i = 0; i < 32; ++i) std::snprintf(buf + 2 * i, 3, "%02x", h[31 - i]);
  return buf;
}

void target_from_bits(uint32_t bits, uint8_t target[32]) {
  std::memset(target, 0, 32);
  const int exponent = int(bits >> 24);
  const uint32_t mantissa = bits & 0x007fffff;
  for (int i = 0; i < 3; ++i) {
    const int pos = exponent - 3 + i;
    if (pos >= 0 && pos < 32) target[pos] = uint8_t(mantissa >> (8 * i));
  }
}

// ---- GPU search driver (the addon does the same in native/src/cuda-driver.cc) ----

int failures = 0;

void check(bool ok, const std::string& what) {
  std::printf("  %s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

// First hit in [start, start + count), count <= 2^32 - start; returns false when none. `batch` nonces per launch.
bool gpu_first_hit(chain_cuda_ctx* ctx, const uint8_t header[80], const uint8_t target[32], uint32_t start,
                   uint64_t count, uint64_t batch, uint32_t* hit) {
  char err[512];
  if (chain_cuda_set_job(ctx, header, target, err, sizeof err) != 0) {
    std::printf("  set_job: %s\n", err);
    ++failures;
    return false;
  }
  const uint64_t end = uint64_t(start) + count;
  for (uint64_t from = start; from < end; from += batch) {
    const uint64_t n = std::min<uint64_t>(batch, end - from);
    chain_cuda_batch_result r;
    if (chain_cuda_run_batch(ctx, uint32_t(from), uint32_t(n), &r, err, sizeof err) != 0) {
      std::printf("  run_batch: %s\n", err);
      ++failures;
      return false;
    }
    if (r.ambiguous_count > CHAIN_CUDA_MAX_AMBIGUOUS) {
      std::printf("  note: candidate list overflowed (%u); scanning the batch on the CPU\n", r.ambiguous_count);
      for (uint64_t x = from; x < from + n; ++x) {
        if (meets_nonce(header, uint32_t(x), target)) {
          *hit = uint32_t(x);
          return true;
        }
      }
      continue;
    }
    std::vector<uint32_t> cands(r.ambiguous, r.ambiguous + r.ambiguous_count);
    std::sort(cands.begin(), cands.end());
    for (uint32_t c : cands) {
      if (uint64_t(c) >= r.best) break;
      if (meets_nonce(header, c, target)) {
        *hit = c;
        return true;
      }
    }
    if (r.best != ~0ull) {
      if (!meets_nonce(header, uint32_t(r.best), target)) {
        check(false, "GPU hit " + std::to_string(r.best) + " fails the CPU re-check");
        return false;
      }
      *hit = uint32_t(r.best);
      return true;
    }
  }
  return false;
}

struct RealBlock {
  const char* name;
  const char* header_hex;
  uint32_t nonce;
  const char* hash;
};

const RealBlock kBlocks[] = {
    {"genesis",
     "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c",
     2083236893u, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"},
    {"block 1",
     "010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e36299",
     2573394689u, "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048"},
    {"block 100000",
     "0100000050120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd00200000000006657a9252aacd5c0b2940996ecff952228c3067cc38d4885efb5a4ac4247e9f337221b4d4c86041b0f2b5710",
     274148111u, "000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506"},
    {"block 125552",
     "0100000081cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122bc7f5d74df2b9441a42a14695",
     2504433986u, "00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d"},
};

void emulation_check(std::mt19937& rng) {
  std::printf("[1] kernel math on the host vs the reference\n");
  int bad = 0;
  for (int i = 0; i < 20000; ++i) {
    uint8_t header[80], h[32];
    for (auto& b : header) b = uint8_t(rng());
    const uint32_t nonce = rng();
    block_hash(header, nonce, h);
    const uint32_t word7 = (uint32_t(h[28]) << 24) | (uint32_t(h[29]) << 16) | (uint32_t(h[30]) << 8) | h[31];
    if (chain_cuda_emulate_word7(header, nonce) != word7) ++bad;
  }
  check(bad == 0, "20000 random (header, nonce): final word 7 matches (" + std::to_string(bad) + " mismatches)");
}

void real_blocks(chain_cuda_ctx* ctx) {
  std::printf("[3] real Bitcoin headers\n");
  for (const RealBlock& blk : kBlocks) {
    std::vector<uint8_t> header = from_hex(blk.header_hex);
    uint8_t hash[32], target[32];
    block_hash(header.data(), blk.nonce, hash);
    check(display_hash(hash) == blk.hash, std::string(blk.name) + ": reference hash " + display_hash(hash));
    target_from_bits(uint32_t(header[72]) | (uint32_t(header[73]) << 8) | (uint32_t(header[74]) << 16) |
                         (uint32_t(header[75]) << 24),
                     target);
    std::memset(header.data() + 76, 0, 4);  // the nonce bytes must not matter
    const uint64_t window = uint64_t(1) << 26;
    const uint32_t start = blk.nonce > window ? uint32_t(blk.nonce - window) : 0;
    const uint64_t count = std::min<uint64_t>(2 * window, (uint64_t(1) << 32) - start);
    uint32_t hit = 0;
    const bool found = gpu_first_hit(ctx, header.data(), target, start, count, uint64_t(1) << 24, &hit);
    check(found && hit == blk.nonce, std::string(blk.name) + ": first hit in [nonce - 2^26, nonce + 2^26) is " +
                                         (found ? std::to_string(hit) : "none") + ", expected " +
                                         std::to_string(blk.nonce));
  }
}

void random_headers(chain_cuda_ctx* ctx, std::mt19937& rng) {
  std::printf("[4] random headers, easy targets, first hit vs a sequential CPU scan\n");
  int bad = 0;
  const int kHeaders = 200;
  for (int i = 0; i < kHeaders; ++i) {
    uint8_t header[80], target[32];
    for (auto& b : header) b = uint8_t(rng());
    // Hits about every 2^(8..14) nonces.
    std::memset(target, 0xff, 32);
    const int zero_bits = 8 + i % 7;
    target[31] = uint8_t(0xff >> (zero_bits > 8 ? 8 : zero_bits));
    if (zero_bits > 8) target[30] = uint8_t(0xff >> (zero_bits - 8));
    const uint32_t start = (i % 10 == 0) ? uint32_t((uint64_t(1) << 32) - 65536) : rng();
    const uint64_t count = std::min<uint64_t>(65536, (uint64_t(1) << 32) - start);
    uint32_t expected = 0;
    bool expected_found = false;
    for (uint64_t x = start; x < start + count; ++x) {
      if (meets_nonce(header, uint32_t(x), target)) {
        expected = uint32_t(x);
        expected_found = true;
        break;
      }
    }
    uint32_t got = 0;
    const bool found = gpu_first_hit(ctx, header, target, start, count, 1 << 14, &got);
    if (found != expected_found || (found && got != expected)) ++bad;
  }
  check(bad == 0, std::to_string(kHeaders) + " random headers agree (" + std::to_string(bad) + " disagree)");
}

void boundary(chain_cuda_ctx* ctx, std::mt19937& rng) {
  std::printf("[5] target == hash (hit) and target == hash - 1 (no hit)\n");
  int bad = 0;
  for (int i = 0; i < 50; ++i) {
    uint8_t header[80], hash[32], minus[32];
    for (auto& b : header) b = uint8_t(rng());
    const uint32_t nonce = rng();
    block_hash(header, nonce, hash);
    std::memcpy(minus, hash, 32);
    for (int j = 0; j < 32; ++j) {  // minus = hash - 1 (little-endian)
      if (minus[j]-- != 0) break;
    }
    uint32_t hit = 0;
    if (!gpu_first_hit(ctx, header, hash, nonce, 1, 1, &hit) || hit != nonce) ++bad;
    if (gpu_first_hit(ctx, header, minus, nonce, 1, 1, &hit)) ++bad;
  }
  check(bad == 0, "50 headers (" + std::to_string(bad) + " wrong)");
}

void throughput(chain_cuda_ctx* ctx, double seconds) {
  std::printf("[6] throughput, target 0 (never met), batches of 2^30 nonces\n");
  const std::vector<uint8_t> header = from_hex(kBlocks[0].header_hex);
  uint8_t zero[32] = {0};
  char err[512];
  chain_cuda_set_job(ctx, header.data(), zero, err, sizeof err);
  chain_cuda_batch_result r;
  chain_cuda_run_batch(ctx, 0, 1u << 24, &r, err, sizeof err);  // warm-up (module load)
  const uint32_t batch = 1u << 30;
  uint64_t hashes = 0;
  uint32_t start = 0;
  const auto t0 = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    if (chain_cuda_run_batch(ctx, start, batch, &r, err, sizeof err) != 0) {
      check(false, std::string("run_batch: ") + err);
      return;
    }
    hashes += batch;
    start += batch;  // wraps around the nonce space
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::printf("  %.3f GH/s (%llu nonces in %.2f s, %.1f ms per 2^30 batch)\n", double(hashes) / elapsed / 1e9,
              static_cast<unsigned long long>(hashes), elapsed, elapsed * 1e3 / double(hashes >> 30));
}

}  // namespace

int main(int argc, char** argv) {
  int device = 0;
  double seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--device") == 0) device = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
  }
  std::mt19937 rng(20240601);
  emulation_check(rng);

  std::printf("[2] devices\n");
  char err[512] = "";
  int count = 0;
  if (chain_cuda_device_count(&count, err, sizeof err) != 0 || count == 0) {
    std::printf("  no usable CUDA device: %s\n", count == 0 && err[0] == 0 ? "none found" : err);
    std::printf("%s (GPU steps skipped)\n", failures == 0 ? "PASS" : "FAIL");
    return failures == 0 ? 2 : 1;
  }
  for (int i = 0; i < count; ++i) {
    chain_cuda_device d;
    if (chain_cuda_device_info(i, &d, err, sizeof err) == 0) {
      std::printf("  %d: %s, %.1f GiB, compute capability %d.%d, %d SMs%s\n", i, d.name,
                  double(d.total_memory) / (1 << 30), d.major, d.minor, d.multiprocessors, i == device ? " (used)" : "");
    }
  }
  chain_cuda_ctx* ctx = nullptr;
  if (chain_cuda_open(device, &ctx, err, sizeof err) != 0) {
    std::printf("  cannot open device %d: %s\n", device, err);
    return 1;
  }
  real_blocks(ctx);
  random_headers(ctx, rng);
  boundary(ctx, rng);
  throughput(ctx, seconds);
  chain_cuda_close(ctx);
  std::printf("%s\n", failures == 0 ? "PASS" : "FAIL");
  return failures == 0 ? 0 : 1;
}
