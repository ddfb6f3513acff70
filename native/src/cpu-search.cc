#include "cpu-search.h"

#include <chrono>
#include <ctime>
#include <thread>
#include <vector>

#include "range-scheduler.h"

namespace chain_mining {

namespace {

// CPU time of the calling thread in seconds, or 0 where there is no per-thread clock.
double thread_cpu_seconds() {
#if defined(CLOCK_THREAD_CPUTIME_ID)
  timespec ts{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
#endif
  return 0;
}

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

Measurement cpu_measure(int threads, ScanFn scan, double seconds, const std::atomic<bool>* abort_flag) {
  // Any header will do: the all-zero target is never met, so every nonce is hashed.
  uint8_t header[80];
  const uint8_t target[32] = {0};
  for (int i = 0; i < 80; ++i) header[i] = uint8_t(i * 131 + 7);
  Job job;
  prepare_job(job, header, target);
  constexpr uint32_t kChunk = 1024;
  const auto t0 = std::chrono::steady_clock::now();
  const auto deadline = t0 + std::chrono::duration<double>(seconds);
  std::vector<uint64_t> done(size_t(threads), 0);
  std::vector<double> cpu(size_t(threads), 0);
  auto run = [&](int index) {
    const double cpu0 = thread_cpu_seconds();
    uint32_t start = uint32_t(index) << 24;  // disjoint nonces per thread, as in a real search
    uint64_t n = 0;
    while (std::chrono::steady_clock::now() < deadline && !(abort_flag != nullptr && abort_flag->load())) {
      uint32_t hit = 0;
      scan(job, start, uint64_t(start) + kChunk, &hit);
      start += kChunk;
      n += kChunk;
    }
    done[size_t(index)] = n;
    cpu[size_t(index)] = thread_cpu_seconds() - cpu0;
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(run, i);
  run(0);
  for (auto& t : pool) t.join();
  Measurement m;
  m.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  bool have_cpu = true;
  for (int i = 0; i < threads; ++i) {
    m.hashes += done[size_t(i)];
    if (cpu[size_t(i)] > 0) m.cpu_rate += double(done[size_t(i)]) / cpu[size_t(i)];
    else if (done[size_t(i)] > 0) have_cpu = false;
  }
  if (!have_cpu) m.cpu_rate = 0;
  return m;
}

}  // namespace chain_mining
