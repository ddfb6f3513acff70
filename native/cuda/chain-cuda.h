/*
 * C ABI of the CUDA nonce scanner (sha256d-kernel.cu). Built by nvcc into a shared library that the Node addon
 * opens with dlopen at run time, so the addon itself never links against CUDA; the GPU harness (harness.cu)
 * links the same source directly.
 *
 * Every function returns 0 on success or a CUDA error number, with a message in err (when err_len > 0).
 */
#ifndef CHAIN_CUDA_H
#define CHAIN_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CHAIN_CUDA_ABI_VERSION 1
#define CHAIN_CUDA_MAX_AMBIGUOUS 64

#if defined(_WIN32)
#define CHAIN_CUDA_API __declspec(dllexport)
#else
#define CHAIN_CUDA_API __attribute__((visibility("default")))
#endif

typedef struct chain_cuda_device {
  char name[256];
  uint64_t total_memory;
  int major;
  int minor;
  int multiprocessors;
} chain_cuda_device;

/* Outcome of one batch. The kernel rejects a nonce as soon as the most significant 32 bits of its hash (read as
 * a little-endian 256-bit integer) exceed the target's; nonces below them are certain hits (only the lowest is
 * kept), nonces equal to them need the full 256-bit comparison, which the host does. The host re-checks every
 * reported nonce with its own SHA-256 before trusting it. */
typedef struct chain_cuda_batch_result {
  uint64_t best;            /* lowest certain hit, or UINT64_MAX */
  uint32_t ambiguous_count; /* may exceed CHAIN_CUDA_MAX_AMBIGUOUS: then the list is incomplete */
  uint32_t reserved;
  uint32_t ambiguous[CHAIN_CUDA_MAX_AMBIGUOUS];
} chain_cuda_batch_result;

typedef struct chain_cuda_ctx chain_cuda_ctx;

CHAIN_CUDA_API int chain_cuda_abi_version(void);

/* Number of CUDA devices; 0 (and success) when the driver reports none. */
CHAIN_CUDA_API int chain_cuda_device_count(int* count, char* err, size_t err_len);

CHAIN_CUDA_API int chain_cuda_device_info(int device, chain_cuda_device* out, char* err, size_t err_len);

/* Creates a stream and result buffers on `device`. One context serves one caller at a time. */
CHAIN_CUDA_API int chain_cuda_open(int device, chain_cuda_ctx** out, char* err, size_t err_len);

/* Host-side precomputation for a header (nonce bytes ignored) and a little-endian 256-bit target. */
CHAIN_CUDA_API int chain_cuda_set_job(chain_cuda_ctx* ctx, const uint8_t header[80], const uint8_t target_le[32],
                                      char* err, size_t err_len);

/* Scans [start, start + count) with 1 <= count <= 2^31 and start + count <= 2^32; blocks until done. */
CHAIN_CUDA_API int chain_cuda_run_batch(chain_cuda_ctx* ctx, uint32_t start, uint32_t count,
                                        chain_cuda_batch_result* out, char* err, size_t err_len);

CHAIN_CUDA_API void chain_cuda_close(chain_cuda_ctx* ctx);

/* Test hook: the kernel's per-nonce computation run on the host (same source, host compiler), returning final
 * word 7 of the second hash before byte swap. Lets the precomputation be checked without a GPU. */
CHAIN_CUDA_API uint32_t chain_cuda_emulate_word7(const uint8_t header[80], uint32_t nonce);

#ifdef __cplusplus
}
#endif

#endif /* CHAIN_CUDA_H */
