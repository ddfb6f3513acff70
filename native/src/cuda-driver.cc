#include "cuda-driver.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "range-scheduler.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

namespace chain_mining {

namespace {

struct CudaApi {
  int (*abi_version)();
  int (*device_count)(int*, char*, size_t);
  int (*device_info)(int, chain_cuda_device*, char*, size_t);
  int (*open)(int, chain_cuda_ctx**, char*, size_t);
  int (*set_job)(chain_cuda_ctx*, const uint8_t*, const uint8_t*, char*, size_t);
  int (*run_batch)(chain_cuda_ctx*, uint32_t, uint32_t, chain_cuda_batch_result*, char*, size_t);
  void (*close)(chain_cuda_ctx*);
};

// One context per device, reused across searches; its mutex serialises searches on that device.
struct DeviceSlot {
  std::mutex mutex;
  chain_cuda_ctx* ctx = nullptr;
};

std::mutex g_load_mutex;
bool g_load_tried = false;
std::string g_load_error;
CudaApi g_api{};
std::mutex g_slots_mutex;
std::vector<std::unique_ptr<DeviceSlot>> g_slots;

constexpr size_t kErrLen = 512;
constexpr uint64_t kMinBatch = uint64_t(1) << 20;
constexpr uint64_t kMaxBatch = uint64_t(1) << 31;
constexpr double kBatchSeconds = 0.025;

void* open_library(const std::string& path, std::string* error) {
#ifdef _WIN32
  HMODULE h = LoadLibraryA(path.c_str());
  if (h == nullptr) *error = "cannot load " + path;
  return reinterpret_cast<void*>(h);
#else
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) *error = dlerror();
  return h;
#endif
}

void* symbol(void* lib, const char* name) {
#ifdef _WIN32
  return reinterpret_cast<void*>(GetProcAddress(reinterpret_cast<HMODULE>(lib), name));
#else
  return dlsym(lib, name);
#endif
}

template <class Fn>
bool bind(void* lib, const char* name, Fn* out, std::string* error) {
  void* p = symbol(lib, name);
  if (p == nullptr) {
    *error = std::string("missing symbol ") + name;
    return false;
  }
  *out = reinterpret_cast<Fn>(p);
  return true;
}

DeviceSlot* slot_for(int device) {
  std::lock_guard<std::mutex> lock(g_slots_mutex);
  while (g_slots.size() <= size_t(device)) g_slots.emplace_back(new DeviceSlot());
  return g_slots[size_t(device)].get();
}

struct SharedError {
  std::mutex mutex;
  std::string message;
  void set(const std::string& m) {
    std::lock_guard<std::mutex> lock(mutex);
    if (message.empty()) message = m;
  }
};

// Lowest verified hit of one batch, or false. Sets *overflow when the ambiguous list was incomplete.
bool resolve_batch(const Job& job, const chain_cuda_batch_result& r, uint32_t* hit, bool* overflow,
                   std::string* error) {
  *overflow = r.ambiguous_count > CHAIN_CUDA_MAX_AMBIGUOUS;
  std::vector<uint32_t> candidates(r.ambiguous, r.ambiguous + std::min<uint32_t>(r.ambiguous_count,
                                                                                 CHAIN_CUDA_MAX_AMBIGUOUS));
  std::sort(candidates.begin(), candidates.end());
  for (uint32_t c : candidates) {
    if (uint64_t(c) >= r.best) break;
    if (check_nonce(job, c)) {
      *hit = c;
      return true;
    }
  }
  if (r.best == ~uint64_t(0)) return false;
  if (!check_nonce(job, uint32_t(r.best))) {
    *error = "GPU result failed the CPU re-check (nonce " + std::to_string(r.best) + ")";
    return false;
  }
  *hit = uint32_t(r.best);
  return true;
}

void device_worker(int device, const Job& job, ScanFn cpu_scan, RangeScheduler& sched, SharedError& shared) {
  char err[kErrLen] = "";
  DeviceSlot* slot = slot_for(device);
  std::lock_guard<std::mutex> lock(slot->mutex);
  if (slot->ctx == nullptr && g_api.open(device, &slot->ctx, err, kErrLen) != 0) {
    shared.set(std::string("device ") + std::to_string(device) + ": " + err);
    sched.abandon();
    return;
  }
  uint8_t target_le[32];
  for (int i = 0; i < 8; ++i) {
    for (int b = 0; b < 4; ++b) target_le[4 * i + b] = uint8_t(job.target[i] >> (8 * b));
  }
  if (g_api.set_job(slot->ctx, job.header, target_le, err, kErrLen) != 0) {
    shared.set(err);
    sched.abandon();
    return;
  }
  uint64_t batch = uint64_t(1) << 22;
  uint64_t from = 0, to = 0;
  while (sched.claim(batch, &from, &to)) {
    chain_cuda_batch_result r;
    const auto t0 = std::chrono::steady_clock::now();
    if (g_api.run_batch(slot->ctx, uint32_t(from), uint32_t(to - from), &r, err, kErrLen) != 0) {
      shared.set(std::string("device ") + std::to_string(device) + ": " + err);
      sched.abandon();
      return;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    sched.add_hashes(to - from);
    uint32_t hit = 0;
    bool overflow = false;
    std::string check_error;
    bool found = resolve_batch(job, r, &hit, &overflow, &check_error);
    if (!check_error.empty()) {
      shared.set(check_error);
      sched.abandon();
      return;
    }
    if (overflow) found = cpu_scan(job, uint32_t(from), found ? uint64_t(hit) + 1 : to, &hit);
    if (found) sched.report_hit(from, hit);
    // Aim each batch at ~25 ms of GPU time, growing at most 4x per step (the first batches include warm-up).
    if (to - from == batch && seconds > 0) {
      const double ideal = double(batch) * kBatchSeconds / seconds;
      batch = std::clamp<uint64_t>(std::min<uint64_t>(uint64_t(ideal), batch * 4), kMinBatch, kMaxBatch);
      batch &= ~(kMinBatch - 1);
    }
  }
}

}  // namespace

bool cuda_load(const std::string& path, std::string* error) {
  std::lock_guard<std::mutex> lock(g_load_mutex);
  if (!g_load_tried) {
    g_load_tried = true;
    void* lib = open_library(path, &g_load_error);
    CudaApi api{};
    if (lib != nullptr && bind(lib, "chain_cuda_abi_version", &api.abi_version, &g_load_error) &&
        bind(lib, "chain_cuda_device_count", &api.device_count, &g_load_error) &&
        bind(lib, "chain_cuda_device_info", &api.device_info, &g_load_error) &&
        bind(lib, "chain_cuda_open", &api.open, &g_load_error) &&
        bind(lib, "chain_cuda_set_job", &api.set_job, &g_load_error) &&
        bind(lib, "chain_cuda_run_batch", &api.run_batch, &g_load_error) &&
        bind(lib, "chain_cuda_close", &api.close, &g_load_error)) {
      if (api.abi_version() != CHAIN_CUDA_ABI_VERSION) {
        g_load_error = "CUDA library ABI " + std::to_string(api.abi_version()) + ", addon expects " +
                       std::to_string(CHAIN_CUDA_ABI_VERSION) + " (rebuild native code)";
      } else {
        g_api = api;
        g_load_error.clear();
      }
    } else if (lib != nullptr && g_load_error.empty()) {
      g_load_error = "CUDA library incomplete";
    }
  }
  *error = g_load_error;
  return g_api.run_batch != nullptr;
}

bool cuda_devices(std::vector<CudaDeviceInfo>* out, std::string* error) {
  out->clear();
  if (g_api.device_count == nullptr) {
    *error = "CUDA library not loaded";
    return false;
  }
  char err[kErrLen] = "";
  int count = 0;
  if (g_api.device_count(&count, err, kErrLen) != 0) {
    *error = err;
    return false;
  }
  for (int i = 0; i < count; ++i) {
    chain_cuda_device d{};
    if (g_api.device_info(i, &d, err, kErrLen) != 0) {
      *error = err;
      return false;
    }
    out->push_back(CudaDeviceInfo{i, d.name, d.total_memory, d.major, d.minor, d.multiprocessors});
  }
  return true;
}

SearchOutcome cuda_search(const std::vector<int>& devices, const Job& job, uint32_t start, uint64_t count,
                          ScanFn cpu_scan, const std::atomic<bool>* abort_flag, std::string* error) {
  SearchOutcome out;
  if (g_api.run_batch == nullptr || devices.empty()) {
    *error = "CUDA library not loaded or no device selected";
    return out;
  }
  RangeScheduler sched(start, count, abort_flag);
  SharedError shared;
  std::vector<std::thread> pool;
  for (size_t i = 1; i < devices.size(); ++i) {
    pool.emplace_back(device_worker, devices[i], std::cref(job), cpu_scan, std::ref(sched), std::ref(shared));
  }
  device_worker(devices[0], job, cpu_scan, sched, shared);
  for (auto& t : pool) t.join();
  *error = shared.message;
  out.hashes = sched.hashes();
  out.aborted = sched.abandoned() && error->empty();
  out.found = !sched.abandoned() && sched.found();
  out.nonce = out.found ? sched.best() : 0;
  return out;
}

}  // namespace chain_mining
