// Instantiates the multi-lane scanner (sha256-lanes.h) for the baseline 128-bit vector unit and, on x86 with
// GCC or Clang, for AVX2 and AVX-512F inside target regions: the addon is built for the baseline instruction set
// and picks the widest of these the CPU runs (cpu_has_avx2 / cpu_has_avx512) at run time.
#include "sha256.h"

// GCC/Clang vector extensions; other compilers (MSVC) get the scalar scanner for every width.
#if defined(__GNUC__) || defined(__clang__)
#define CHAIN_VECTOR_EXTENSIONS 1
#define CHAIN_LANES_NS lanes128
#define CHAIN_LANES_BYTES 16
#include "sha256-lanes.h"
#undef CHAIN_LANES_NS
#undef CHAIN_LANES_BYTES
#endif

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define CHAIN_WIDE_LANES 1
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif
#define CHAIN_LANES_NS lanes256
#define CHAIN_LANES_BYTES 32
#define CHAIN_LANES_CONSTS_IN_MEMORY 1
#include "sha256-lanes.h"
#undef CHAIN_LANES_NS
#undef CHAIN_LANES_BYTES
#undef CHAIN_LANES_CONSTS_IN_MEMORY
namespace chain_mining {
bool scan_avx2(const Job& job, uint32_t start, uint64_t end, uint32_t* hit) {
  return lanes256::scan(job, start, end, hit);
}
}  // namespace chain_mining
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl")
#endif
#define CHAIN_LANES_NS lanes512
#define CHAIN_LANES_BYTES 64
#define CHAIN_LANES_AVX512 1
#define CHAIN_LANES_CONSTS_IN_MEMORY 1
#include "sha256-lanes.h"
#undef CHAIN_LANES_NS
#undef CHAIN_LANES_BYTES
#undef CHAIN_LANES_AVX512
#undef CHAIN_LANES_CONSTS_IN_MEMORY
namespace chain_mining {
bool scan_avx512(const Job& job, uint32_t start, uint64_t end, uint32_t* hit) {
  return lanes512::scan(job, start, end, hit);
}
}  // namespace chain_mining
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#endif

namespace chain_mining {

bool scan_vec128(const Job& job, uint32_t start, uint64_t end, uint32_t* hit) {
#ifdef CHAIN_VECTOR_EXTENSIONS
  return lanes128::scan(job, start, end, hit);
#else
  return scan_portable(job, start, end, hit);
#endif
}

#ifdef CHAIN_WIDE_LANES
bool cpu_has_avx2() { return __builtin_cpu_supports("avx2"); }
bool cpu_has_avx512() { return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"); }
#else
bool cpu_has_avx2() { return false; }
bool cpu_has_avx512() { return false; }
bool scan_avx2(const Job& job, uint32_t start, uint64_t end, uint32_t* hit) {
  return scan_vec128(job, start, end, hit);
}
bool scan_avx512(const Job& job, uint32_t start, uint64_t end, uint32_t* hit) {
  return scan_vec128(job, start, end, hit);
}
#endif

}  // namespace chain_mining
