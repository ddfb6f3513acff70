// Run-time binding to the optional CUDA library (chain_cuda.so, built from native/cuda/sha256d-kernel.cu): the
// addon dlopens it on request, so a missing nvcc, driver or GPU only disables the CUDA backend.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "../cuda/chain-cuda.h"
#include "cpu-search.h"

namespace chain_mining {

struct CudaDeviceInfo {
  int index = 0;
  std::string name;
  uint64_t total_memory = 0;
  int major = 0;
  int minor = 0;
  int multiprocessors = 0;
};

// Opens the library once per process (later calls return the first outcome). False with *error on failure.
bool cuda_load(const std::string& path, std::string* error);

// Devices the driver reports; false with *error when the runtime cannot start (no driver, broken install).
bool cuda_devices(std::vector<CudaDeviceInfo>* out, std::string* error);

// Searches [start, start + count) on the given devices with the first-nonce guarantee. Each GPU batch is sized
// to about 25 ms so the abort flag is seen quickly; every reported nonce is re-checked with the CPU code, and
// `cpu_scan` rescans a batch whose candidate list overflowed. On a CUDA failure returns with *error set.
SearchOutcome cuda_search(const std::vector<int>& devices, const Job& job, uint32_t start, uint64_t count,
                          ScanFn cpu_scan, const std::atomic<bool>* abort_flag, std::string* error);

}  // namespace chain_mining
