// Stand-alone rate check of one CPU scanner, for A/B runs of scanner sources outside Node (not part of the addon).
// It first checks the scanner against the Bitcoin genesis nonce and the portable scanner, then prints hashes per
// CPU-second of the calling thread, which other processes on a shared machine lower less than wall-clock rates.
// `clock` prints the core clock from a chain of dependent scalar adds (1 cycle each), `latency` the cycles of a
// dependent 512-bit vpaddd at that clock.
//
//   g++ -O3 -pthread -Inative/src -o /tmp/scan-rate native/bench/scan-rate.cc
//     native/src/sha256-{portable,vector,shani}.cc   (bash brace expansion)
//   /tmp/scan-rate avx512|avx2|vec128|shani|portable [seconds]     /tmp/scan-rate clock|latency
//
// For an A/B run, build a second binary from the older sources (git show <rev>:native/src/<file> into a folder
// given with -I and as the sources) and run the two alternately, several times, in the same minute.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "sha256.h"

using namespace chain_mining;

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double scalar_clock_hz() {
  uint64_t x = 0;
  constexpr uint64_t kN = 100000000;
  const double t0 = cpu_seconds();
  for (uint64_t i = 0; i < kN; ++i) __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
  return 4.0 * double(kN) / (cpu_seconds() - t0);
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) double vector_add_seconds() {
  constexpr uint64_t kN = 50000000;
  const double t0 = cpu_seconds();
  for (uint64_t i = 0; i < kN; ++i)
    __asm__ volatile("vpaddd %%zmm0,%%zmm1,%%zmm1\n\tvpaddd %%zmm0,%%zmm1,%%zmm1\n\tvpaddd %%zmm0,%%zmm1,%%zmm1\n\t"
                     "vpaddd %%zmm0,%%zmm1,%%zmm1" ::: "xmm0", "xmm1");
  return (cpu_seconds() - t0) / (4.0 * double(kN));
}
#endif

const char* kGenesis =
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3"
    "888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
constexpr uint32_t kGenesisNonce = 2083236893u;

}  // namespace

int main(int argc, char** argv) {
  const char* which = argc > 1 ? argv[1] : "avx512";
  const double seconds = argc > 2 ? atof(argv[2]) : 1.0;
  if (!strcmp(which, "clock")) {
    printf("clock %.3f GHz\n", scalar_clock_hz() / 1e9);
    return 0;
  }
#if defined(__x86_64__)
  if (!strcmp(which, "latency")) {
    if (!cpu_has_avx512()) return 2;
    printf("vpaddd zmm latency %.2f cycles\n", vector_add_seconds() * scalar_clock_hz());
    return 0;
  }
#endif
  const ScanFn scan = !strcmp(which, "avx512") ? scan_avx512
                      : !strcmp(which, "avx2") ? scan_avx2
                      : !strcmp(which, "vec128") ? scan_vec128
                      : !strcmp(which, "shani") ? scan_shani
                                                : scan_portable;
  if ((scan == scan_avx512 && !cpu_has_avx512()) || (scan == scan_avx2 && !cpu_has_avx2()) ||
      (scan == scan_shani && !cpu_has_shani())) {
    fprintf(stderr, "%s does not run on this CPU\n", which);
    return 2;
  }
  uint8_t header[80];
  for (int i = 0; i < 80; ++i) sscanf(kGenesis + 2 * i, "%2hhx", &header[i]);
  uint8_t target[32] = {0};
  target[26] = 0xff;  // bits 0x1d00ffff: 0xffff << 208
  target[27] = 0xff;
  Job job;
  prepare_job(job, header, target);
  uint32_t hit = 0;
  if (!scan(job, kGenesisNonce - 100000, uint64_t(kGenesisNonce) + 1000, &hit) || hit != kGenesisNonce) {
    fprintf(stderr, "FAIL: %s misses the genesis nonce\n", which);
    return 1;
  }
  uint8_t easy[32] = {0};
  easy[30] = 0x40;  // about one hit in 2^18 nonces
  for (int k = 0; k < 50; ++k) {
    header[k] = uint8_t(header[k] ^ (k * 7));
    Job j;
    prepare_job(j, header, easy);
    uint32_t a = 0, b = 0;
    const uint32_t from = uint32_t(k) * 1000;
    const bool ra = scan(j, from, uint64_t(from) + 200000, &a);
    const bool rb = scan_portable(j, from, uint64_t(from) + 200000, &b);
    if (ra != rb || a != b) {
      fprintf(stderr, "FAIL: %s and the portable scanner differ on header %d\n", which, k);
      return 1;
    }
  }
  const uint8_t never[32] = {0};
  prepare_job(job, header, never);
  uint64_t hashed = 0;
  uint32_t start = 0;
  const double t0 = cpu_seconds();
  while (cpu_seconds() - t0 < seconds) {
    scan(job, start, uint64_t(start) + (1u << 20), &hit);
    start += 1u << 20;
    hashed += 1u << 20;
  }
  printf("%s %.4g H/cpu-s\n", which, double(hashed) / (cpu_seconds() - t0));
  return 0;
}
