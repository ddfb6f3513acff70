#include "cpu-search.h"

#include <chrono>
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

uint64_t cpu_measure(int threads, ScanFn scan, double seconds, const std::atomic<bool>* abort_flag, double* elapsed) {
  // Any header will do: the all-zero target is never met, so every nonce is hashed.
  uint8_t header[80];
  const uint8_t target[32] = {0};
  for (int i = 0; i < 80; ++i) header[i] = uint8_t(i * 131 + 7);
  Job job;
  prepare_job(job, header, target);
  constexpr uint32_t kChunk = 1024;
  const auto t0 = std::chrono::steady_clock::now();
  const auto deadline = t0 + std::chrono::duration<double>(seconds);
  std::atomic<uint64_t> total{0};
  auto run = [&](int index) {
    uint32_t start = uint32_t(index) << 24;  // disjoint nonces per thread, as in a real search
    uint64_t done = 0;
    while (std::chrono::steady_clock::now() < deadline && !(abort_flag != nullptr && abort_flag->load())) {
      uint32_t hit = 0;
      scan(job, start, uint64_t(start) + kChunk, &hit);
      start += kChunk;
      done += kChunk;
    }
    total += done;
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(run, i);
  run(0);
  for (auto& t : pool) t.join();
  *elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return total.load();
}

}  // namespace chain_mining
