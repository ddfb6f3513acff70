// Multi-threaded CPU nonce search over one interval with the first-nonce guarantee of RangeScheduler.
#pragma once

#include <atomic>
#include <cstdint>

#include "sha256.h"

namespace chain_mining {

struct SearchOutcome {
  bool found = false;
  uint32_t nonce = 0;
  uint64_t hashes = 0;
  bool aborted = false;
};

// Searches [start, start + count) with `threads` threads (the calling thread is one of them). The abort flag
// is polled between ranges of 2^16 nonces (a few milliseconds each).
SearchOutcome cpu_search(const Job& job, uint32_t start, uint64_t count, int threads, ScanFn scan,
                         const std::atomic<bool>* abort_flag);

// What a calibration run measured.
struct Measurement {
  uint64_t hashes = 0;
  double wall_seconds = 0;
  // Sum over the threads of hashes / CPU time of that thread: the rate with every thread on a core of its own,
  // which other processes competing for the cores do not lower (0 where thread CPU clocks are unavailable).
  double cpu_rate = 0;
};

// Calibration: hashes with `scan` on `threads` threads over a never-met target until `seconds` have passed
// (checked every 1024 nonces per thread, under a millisecond even for the scalar scanner), or the abort flag is raised.
Measurement cpu_measure(int threads, ScanFn scan, double seconds, const std::atomic<bool>* abort_flag);

}  // namespace chain_mining
