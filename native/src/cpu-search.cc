#include "cpu-search.h"

#include <thread>
#include <vector>

#include "range-scheduler.h"

namespace chain_mining {

namespace {

constexpr uint64_t kRangeSize = uint64_t(1) << 16;

void worker(const Job& job, ScanFn scan, RangeScheduler& sched) {
  uint64_t from = 0, to = 0;
  while (sched.claim(kRangeSize, &from, &to)) {
    uint32_t hit = 0;
    if (scan(job, uint32_t(from), to, &hit)) {
      sched.add_hashes(uint64_t(hit) - from + 1);
      sched.report_hit(from, hit);
    } else {
      sched.add_hashes(to - from);
    }
  }
}

}  // namespace

SearchOutcome cpu_search(const Job& job, uint32_t start, uint64_t count, int threads, ScanFn scan,
                         const std::atomic<bool>* abort_flag) {
  RangeScheduler sched(start, count, abort_flag);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker, std::cref(job), scan, std::ref(sched));
  worker(job, scan, sched);
  for (auto& t : pool) t.join();
  SearchOutcome out;
  out.hashes = sched.hashes();
  // An abort can leave ranges below a reported hit unfinished, so a hit is only trusted without one.
  out.aborted = sched.abandoned();
  out.found = !out.aborted && sched.found();
  out.nonce = out.found ? sched.best() : 0;
  return out;
}

}  // namespace chain_mining
