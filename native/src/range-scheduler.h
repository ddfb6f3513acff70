// Hands out consecutive nonce ranges to worker threads (CPU threads or GPU drivers) so that the search still
// returns the FIRST matching nonce: ranges are claimed in ascending order, a hit found in the range starting at
// R stops claims beyond R, and every range starting below R is finished before the result is taken, so the
// minimum over all hits is the first hit of the whole interval.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace chain_mining {

class RangeScheduler {
 public:
  static constexpr uint64_t kNone = ~uint64_t(0);

  RangeScheduler(uint32_t start, uint64_t count, const std::atomic<bool>* abort_flag)
      : end_(uint64_t(start) + count), abort_flag_(abort_flag), cursor_(start) {}

  // Claims the next range of up to `size` nonces. False when the interval is exhausted, an earlier range
  // already holds a hit, or the search was aborted.
  bool claim(uint64_t size, uint64_t* from, uint64_t* to) {
    const uint64_t next = cursor_.load(std::memory_order_relaxed);
    if (next >= end_ || next > hit_range_.load(std::memory_order_acquire) || abandoned_.load()) return false;
    if (aborted()) {
      abandoned_.store(true);
      return false;
    }
    const uint64_t f = cursor_.fetch_add(size, std::memory_order_relaxed);
    if (f >= end_ || f > hit_range_.load(std::memory_order_acquire)) return false;
    *from = f;
    *to = std::min(f + size, end_);
    return true;
  }

  // Records a hit at `nonce` inside the range that starts at `range_from`, and the nonces tried there.
  void report_hit(uint64_t range_from, uint32_t nonce) {
    atomic_min(best_, nonce);
    atomic_min(hit_range_, range_from);
  }

  void add_hashes(uint64_t n) { hashes_.fetch_add(n, std::memory_order_relaxed); }

  // True when a range starting below `range_from` already has a hit, so work on this one is wasted.
  bool superseded(uint64_t range_from) const { return hit_range_.load(std::memory_order_acquire) < range_from; }

  bool aborted() const { return abort_flag_ != nullptr && abort_flag_->load(std::memory_order_relaxed); }
  // True when some worker stopped because of the abort flag while work was left: the result is incomplete.
  bool abandoned() const { return abandoned_.load(); }
  // For workers that stop mid-range (GPU drivers) on abort.
  void abandon() { abandoned_.store(true); }
  bool found() const { return best_.load() != kNone; }
  uint32_t best() const { return uint32_t(best_.load()); }
  uint64_t hashes() const { return hashes_.load(); }

 private:
  static void atomic_min(std::atomic<uint64_t>& a, uint64_t v) {
    uint64_t cur = a.load();
    while (v < cur && !a.compare_exchange_weak(cur, v)) {
    }
  }

  const uint64_t end_;
  const std::atomic<bool>* abort_flag_;
  std::atomic<uint64_t> cursor_;
  std::atomic<uint64_t> best_{kNone};
  std::atomic<uint64_t> hit_range_{kNone};
  std::atomic<uint64_t> hashes_{0};
  std::atomic<bool> abandoned_{false};
};

}  // namespace chain_mining
