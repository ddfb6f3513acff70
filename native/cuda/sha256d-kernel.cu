// CUDA nonce scanner for 80-byte headers: double SHA-256, early rejection on the most significant word.
// Shared by the Node addon (built into chain_cuda.so by native/build-native.mjs) and harness.cu.
//
// Per job the host computes the midstate of the first 64 header bytes, runs rounds 0-2 of the second block
// (their message words, header bytes 64..75, do not depend on the nonce) plus the nonce-free part of round 3,
// and the nonce-free schedule words W16..W19. Per nonce the kernel then does rounds 3-63 of the first hash and
// rounds 0-60 of the second: after round 60 the second hash's `e` plus IV[7] is final word 7, i.e. the most
// significant 32 bits of the little-endian 256-bit hash, which decides almost every nonce on its own.
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdio>
#include <cstring>

#include "chain-cuda.h"

namespace {

constexpr int kBlockSize = 256;

#define CHAIN_SHA256_K                                                                                        \
  {0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,              \
   0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,              \
   0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,              \
   0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,              \
   0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,              \
   0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,              \
   0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,              \
   0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2}

#define CHAIN_SHA256_IV {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}

// Round constant i. Every call sits in a fully unrolled loop, so i is a compile-time constant and the value
// ends up as an instruction immediate (no constant-memory or local-memory load).
__host__ __device__ __forceinline__ uint32_t sha_k(int i) {
  constexpr uint32_t k[64] = CHAIN_SHA256_K;
  return k[i];
}

__host__ __device__ __forceinline__ uint32_t sha_iv(int i) {
  constexpr uint32_t iv[8] = CHAIN_SHA256_IV;
  return iv[i];
}

__host__ __device__ __forceinline__ uint32_t rotr(uint32_t x, unsigned n) {
#ifdef __CUDA_ARCH__
  return __funnelshift_r(x, x, n);
#else
  return (x >> n) | (x << (32 - n));
#endif
}

__host__ __device__ __forceinline__ uint32_t bswap(uint32_t x) {
#ifdef __CUDA_ARCH__
  return __byte_perm(x, 0, 0x0123);
#else
  return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
#endif
}

__host__ __device__ __forceinline__ uint32_t big_sigma0(uint32_t x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
__host__ __device__ __forceinline__ uint32_t big_sigma1(uint32_t x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
__host__ __device__ __forceinline__ uint32_t small_sigma0(uint32_t x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
__host__ __device__ __forceinline__ uint32_t small_sigma1(uint32_t x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }
// Both compile to one LOP3 each.
__host__ __device__ __forceinline__ uint32_t ch(uint32_t e, uint32_t f, uint32_t g) { return g ^ (e & (f ^ g)); }
__host__ __device__ __forceinline__ uint32_t maj(uint32_t a, uint32_t b, uint32_t c) { return (a & b) | (c & (a | b)); }

// Rounds [from, to) on state s (a..h in s[0..7]). Schedule words from index `sched_from` on are computed just
// before their round, which keeps only a sliding window of w live in registers.
template <int kFrom, int kTo, int kSchedFrom>
__host__ __device__ __forceinline__ void rounds(uint32_t (&s)[8], uint32_t (&w)[64]) {
#pragma unroll
  for (int i = kFrom; i < kTo; ++i) {
    if (i >= kSchedFrom) w[i] = small_sigma1(w[i - 2]) + w[i - 7] + small_sigma0(w[i - 15]) + w[i - 16];
    const uint32_t t1 = s[7] + big_sigma1(s[4]) + ch(s[4], s[5], s[6]) + sha_k(i) + w[i];
    const uint32_t t2 = big_sigma0(s[0]) + maj(s[0], s[1], s[2]);
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

// Per-job values computed on the host (passed by value, so they live in the kernel parameter bank).
struct KernelParams {
  uint32_t mid[8];   // midstate: added to the first hash's block-2 result
  uint32_t s3[8];    // block-2 state after rounds 0-2
  uint32_t t1_base;  // round 3's T1 without W3 (the nonce word)
  uint32_t t2_3;     // round 3's T2
  uint32_t w16, w17; // nonce-free schedule words
  uint32_t w18_base; // W18 - sigma0(W3)
  uint32_t w19_base; // W19 - W3
  uint32_t target_msw;
};

__host__ __device__ __forceinline__ uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

void host_precompute(const uint8_t header[80], uint32_t target_msw, KernelParams* p) {
  uint32_t s[8], w[64];
  for (int i = 0; i < 8; ++i) s[i] = sha_iv(i);
  for (int i = 0; i < 16; ++i) w[i] = be32(header + 4 * i);
  rounds<0, 64, 16>(s, w);
  for (int i = 0; i < 8; ++i) p->mid[i] = s[i] + sha_iv(i);

  for (int i = 0; i < 8; ++i) s[i] = p->mid[i];
  for (int i = 0; i < 3; ++i) w[i] = be32(header + 64 + 4 * i);
  rounds<0, 3, 64>(s, w);
  for (int i = 0; i < 8; ++i) p->s3[i] = s[i];
  p->t1_base = s[7] + big_sigma1(s[4]) + ch(s[4], s[5], s[6]) + sha_k(3);
  p->t2_3 = big_sigma0(s[0]) + maj(s[0], s[1], s[2]);
  // W16 = s1(W14) + W9 + s0(W1) + W0 and W17 = s1(W15) + W10 + s0(W2) + W1, with W9..W14 = 0 and W15 = 640.
  p->w16 = small_sigma0(w[1]) + w[0];
  p->w17 = small_sigma1(640) + small_sigma0(w[2]) + w[1];
  // W18 = s1(W16) + W11 + s0(W3) + W2 and W19 = s1(W17) + W12 + s0(W4) + W3, with W4 = 0x80000000.
  p->w18_base = small_sigma1(p->w16) + w[2];
  p->w19_base = small_sigma1(p->w17) + small_sigma0(0x80000000u);
  p->target_msw = target_msw;
}

// Final word 7 of the header's double SHA-256 for `nonce` (before byte swap).
__host__ __device__ __forceinline__ uint32_t sha256d_word7(const KernelParams& p, uint32_t nonce) {
  uint32_t w[64];
  const uint32_t w3 = bswap(nonce);
  w[3] = w3;
  w[4] = 0x80000000u;
#pragma unroll
  for (int i = 5; i < 15; ++i) w[i] = 0;
  w[15] = 640;
  w[16] = p.w16;
  w[17] = p.w17;
  w[18] = p.w18_base + small_sigma0(w3);
  w[19] = p.w19_base + w3;

  const uint32_t t1 = p.t1_base + w3;
  uint32_t s[8] = {t1 + p.t2_3, p.s3[0], p.s3[1], p.s3[2], p.s3[3] + t1, p.s3[4], p.s3[5], p.s3[6]};
  rounds<4, 64, 20>(s, w);

  uint32_t v[64];
#pragma unroll
  for (int i = 0; i < 8; ++i) v[i] = s[i] + p.mid[i];
  v[8] = 0x80000000u;
#pragma unroll
  for (int i = 9; i < 15; ++i) v[i] = 0;
  v[15] = 256;
  uint32_t t[8];
#pragma unroll
  for (int i = 0; i < 8; ++i) t[i] = sha_iv(i);
  rounds<0, 61, 16>(t, v);
  // e after round 60 is h after round 63.
  return t[4] + sha_iv(7);
}

__global__ void __launch_bounds__(kBlockSize) sha256d_scan(const KernelParams p, uint32_t start, uint32_t count,
                                                           chain_cuda_batch_result* out) {
  const uint32_t stride = gridDim.x * blockDim.x;
  for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += stride) {
    const uint32_t nonce = start + i;
    const uint32_t msw = bswap(sha256d_word7(p, nonce));
    if (msw > p.target_msw) continue;
    if (msw < p.target_msw) {
      // Reading first keeps easy targets (tests) from hammering one address with atomics.
      if (uint64_t(nonce) < *reinterpret_cast<volatile unsigned long long*>(&out->best)) {
        atomicMin(reinterpret_cast<unsigned long long*>(&out->best), static_cast<unsigned long long>(nonce));
      }
    } else {
      const uint32_t slot = atomicAdd(&out->ambiguous_count, 1u);
      if (slot < CHAIN_CUDA_MAX_AMBIGUOUS) out->ambiguous[slot] = nonce;
    }
  }
}

int fail(cudaError_t e, const char* what, char* err, size_t err_len) {
  if (err != nullptr && err_len > 0) std::snprintf(err, err_len, "%s: %s", what, cudaGetErrorString(e));
  return static_cast<int>(e);
}

}  // namespace

struct chain_cuda_ctx {
  int device;
  int grid;
  cudaStream_t stream;
  chain_cuda_batch_result* device_result;
  chain_cuda_batch_result* host_result;  // pinned
  KernelParams params;
};

extern "C" {

int chain_cuda_abi_version(void) { return CHAIN_CUDA_ABI_VERSION; }

int chain_cuda_device_count(int* count, char* err, size_t err_len) {
  *count = 0;
  const cudaError_t e = cudaGetDeviceCount(count);
  if (e == cudaErrorNoDevice) {
    *count = 0;
    return 0;
  }
  if (e != cudaSuccess) return fail(e, "cudaGetDeviceCount", err, err_len);
  return 0;
}

int chain_cuda_device_info(int device, chain_cuda_device* out, char* err, size_t err_len) {
  cudaDeviceProp prop;
  const cudaError_t e = cudaGetDeviceProperties(&prop, device);
  if (e != cudaSuccess) return fail(e, "cudaGetDeviceProperties", err, err_len);
  std::snprintf(out->name, sizeof out->name, "%s", prop.name);
  out->total_memory = prop.totalGlobalMem;
  out->major = prop.major;
  out->minor = prop.minor;
  out->multiprocessors = prop.multiProcessorCount;
  return 0;
}

int chain_cuda_open(int device, chain_cuda_ctx** out, char* err, size_t err_len) {
  *out = nullptr;
  // Sleep instead of spinning on a CPU core while a batch runs. Only takes effect before the device's primary
  // context exists; failing otherwise is harmless.
#if CUDART_VERSION >= 12000
  if (cudaInitDevice(device, cudaDeviceScheduleBlockingSync, 0) != cudaSuccess) cudaGetLastError();
  cudaError_t e = cudaSetDevice(device);
  if (e != cudaSuccess) return fail(e, "cudaSetDevice", err, err_len);
#else
  cudaError_t e = cudaSetDevice(device);
  if (e != cudaSuccess) return fail(e, "cudaSetDevice", err, err_len);
  if (cudaSetDeviceFlags(cudaDeviceScheduleBlockingSync) != cudaSuccess) cudaGetLastError();
#endif
  auto* ctx = new chain_cuda_ctx();
  ctx->device = device;
  int sms = 0, per_sm = 0;
  if ((e = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device)) != cudaSuccess ||
      (e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, sha256d_scan, kBlockSize, 0)) != cudaSuccess ||
      (e = cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking)) != cudaSuccess) {
    delete ctx;
    return fail(e, "CUDA setup", err, err_len);
  }
  ctx->grid = sms * (per_sm > 0 ? per_sm : 1);
  if ((e = cudaMalloc(&ctx->device_result, sizeof(chain_cuda_batch_result))) != cudaSuccess) {
    cudaStreamDestroy(ctx->stream);
    delete ctx;
    return fail(e, "cudaMalloc", err, err_len);
  }
  if ((e = cudaMallocHost(&ctx->host_result, sizeof(chain_cuda_batch_result))) != cudaSuccess) {
    cudaFree(ctx->device_result);
    cudaStreamDestroy(ctx->stream);
    delete ctx;
    return fail(e, "cudaMallocHost", err, err_len);
  }
  *out = ctx;
  return 0;
}

int chain_cuda_set_job(chain_cuda_ctx* ctx, const uint8_t header[80], const uint8_t target_le[32], char*, size_t) {
  const uint32_t msw = uint32_t(target_le[28]) | (uint32_t(target_le[29]) << 8) | (uint32_t(target_le[30]) << 16) |
                       (uint32_t(target_le[31]) << 24);
  host_precompute(header, msw, &ctx->params);
  return 0;
}

int chain_cuda_run_batch(chain_cuda_ctx* ctx, uint32_t start, uint32_t count, chain_cuda_batch_result* out, char* err,
                         size_t err_len) {
  cudaError_t e = cudaSetDevice(ctx->device);
  if (e != cudaSuccess) return fail(e, "cudaSetDevice", err, err_len);
  chain_cuda_batch_result* h = ctx->host_result;
  h->best = ~0ull;
  h->ambiguous_count = 0;
  h->reserved = 0;
  const size_t head = offsetof(chain_cuda_batch_result, ambiguous);
  if ((e = cudaMemcpyAsync(ctx->device_result, h, head, cudaMemcpyHostToDevice, ctx->stream)) != cudaSuccess) {
    return fail(e, "cudaMemcpyAsync", err, err_len);
  }
  const uint32_t blocks_needed = (count + kBlockSize - 1) / kBlockSize;
  const int grid = blocks_needed < uint32_t(ctx->grid) ? int(blocks_needed) : ctx->grid;
  sha256d_scan<<<grid, kBlockSize, 0, ctx->stream>>>(ctx->params, start, count, ctx->device_result);
  if ((e = cudaGetLastError()) != cudaSuccess) return fail(e, "kernel launch", err, err_len);
  if ((e = cudaMemcpyAsync(h, ctx->device_result, sizeof *h, cudaMemcpyDeviceToHost, ctx->stream)) != cudaSuccess) {
    return fail(e, "cudaMemcpyAsync", err, err_len);
  }
  if ((e = cudaStreamSynchronize(ctx->stream)) != cudaSuccess) return fail(e, "kernel", err, err_len);
  std::memcpy(out, h, sizeof *out);
  return 0;
}

void chain_cuda_close(chain_cuda_ctx* ctx) {
  if (ctx == nullptr) return;
  cudaSetDevice(ctx->device);
  cudaStreamDestroy(ctx->stream);
  cudaFree(ctx->device_result);
  cudaFreeHost(ctx->host_result);
  delete ctx;
}

uint32_t chain_cuda_emulate_word7(const uint8_t header[80], uint32_t nonce) {
  KernelParams p;
  host_precompute(header, 0, &p);
  return sha256d_word7(p, nonce);
}

}  // extern "C"
