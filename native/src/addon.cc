// N-API surface of the native miner. Searches run on their own threads (never on the libuv pool, which a long
// search would starve) and settle a promise through a thread-safe function; each search comes with a cancel()
// that sets an atomic flag the worker threads poll between ranges. The addon also exports the node's one-shot
// SHA-256 (sha256-hash.cc), its ECDSA verification (ecdsa-binding.cc) and signing (ecdsa-sign.cc).
#include <napi.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cpu-search.h"
#include "cuda-driver.h"
#include "ecdsa-sign.h"
#include "ecdsa-verify.h"
#include "sha256.h"

namespace {

using chain_mining::Job;
using chain_mining::ScanFn;
using chain_mining::SearchOutcome;
using AbortFlag = std::shared_ptr<std::atomic<bool>>;

// Flags of the searches still running in this environment, raised when the environment shuts down so that
// joining their threads does not wait for a long search. Shared with the tasks, which may settle after the
// environment's cleanup hook ran.
struct EnvState {
  std::set<AbortFlag> running;
};
using EnvStateHolder = std::shared_ptr<EnvState>;

class Task;
void SettleOnJsThread(Napi::Env env, Napi::Function, Task* task, void*);
using TaskTsfn = Napi::TypedThreadSafeFunction<Task, void, SettleOnJsThread>;

class Task {
 public:
  std::function<void(Task&)> work;                     // worker thread
  std::function<Napi::Value(Napi::Env, Task&)> result;  // JS thread, when error is empty
  std::string error;
  SearchOutcome outcome;
  chain_mining::Measurement measurement;  // cpuCalibrate
  std::vector<chain_mining::CudaDeviceInfo> devices;
  AbortFlag flag = std::make_shared<std::atomic<bool>>(false);
  Napi::Promise::Deferred deferred;
  TaskTsfn tsfn;
  std::thread thread;
  std::shared_ptr<EnvState> state;

  explicit Task(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

void SettleOnJsThread(Napi::Env env, Napi::Function, Task* task, void*) {
  if (task->state != nullptr) task->state->running.erase(task->flag);
  if (env == nullptr) return;
  Napi::HandleScope scope(env);
  if (!task->error.empty()) {
    task->deferred.Reject(Napi::Error::New(env, task->error).Value());
    return;
  }
  try {
    task->deferred.Resolve(task->result(env, *task));
  } catch (const Napi::Error& e) {
    task->deferred.Reject(e.Value());
  }
}

// Starts `work` on a new thread and returns the promise `result` settles.
Napi::Promise StartTask(Napi::Env env, Task* task) {
  EnvStateHolder* holder = env.GetInstanceData<EnvStateHolder>();
  if (holder != nullptr) {
    task->state = *holder;
    task->state->running.insert(task->flag);
  }
  task->tsfn = TaskTsfn::New(env, "chain-node-mining", 0, 1, task, [](Napi::Env, void*, Task* t) {
    if (t->thread.joinable()) t->thread.join();
    delete t;
  });
  Napi::Promise promise = task->deferred.Promise();
  task->thread = std::thread([task]() {
    try {
      task->work(*task);
    } catch (const std::exception& e) {
      task->error = e.what();
    }
    task->tsfn.BlockingCall();
    task->tsfn.Release();
  });
  return promise;
}

Napi::Value SearchHandle(Napi::Env env, Task* task) {
  Napi::Object handle = Napi::Object::New(env);
  AbortFlag* held = new AbortFlag(task->flag);
  Napi::Function cancel = Napi::Function::New(
      env, [](const Napi::CallbackInfo& info) { static_cast<AbortFlag*>(info.Data())->get()->store(true); },
      "cancel", held);
  cancel.AddFinalizer([](Napi::Env, AbortFlag* f) { delete f; }, held);
  handle.Set("cancel", cancel);
  handle.Set("promise", StartTask(env, task));
  return handle;
}

Napi::Value OutcomeValue(Napi::Env env, Task& task) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("nonce", task.outcome.found ? Napi::Number::New(env, task.outcome.nonce) : env.Null());
  o.Set("hashes", Napi::Number::New(env, double(task.outcome.hashes)));
  o.Set("aborted", Napi::Boolean::New(env, task.outcome.aborted));
  return o;
}

// Validated search arguments: header, target, start, count and the scanner implementation.
struct SearchArgs {
  Job job;
  uint32_t start = 0;
  uint64_t count = 0;
  ScanFn scan = chain_mining::scan_portable;
};

// CPU features a caller may hide to simulate an older CPU (tests, `chain-node bench`): bit 0 SHA-NI, bit 1
// AVX-512, bit 2 AVX2. Passed with each call rather than held globally, so one process can simulate several CPUs.
constexpr uint32_t kHideShaNi = 1, kHideAvx512 = 2, kHideAvx2 = 4;

bool Supports(const std::string& impl, uint32_t hide) {
  if (impl == "sha-ni") return !(hide & kHideShaNi) && chain_mining::cpu_has_shani();
  if (impl == "avx512") return !(hide & kHideAvx512) && chain_mining::cpu_has_avx512();
  if (impl == "avx2") return !(hide & kHideAvx2) && chain_mining::cpu_has_avx2();
  return impl == "vec128" || impl == "portable";
}

// Every scanner, in the fixed preference order `auto` falls back on before a calibration chose by measurement
// (the order measured on Zen 4: SHA-NI 32, AVX-512 31, AVX2 14, 128-bit vectors 4.7, scalar 2.5 MH/s per core;
// Zen 5 reverses the first two, hence the calibration).
const char* const kImpls[] = {"sha-ni", "avx512", "avx2", "vec128", "portable"};

std::string BestImpl(uint32_t hide) {
  for (const char* impl : kImpls) {
    if (Supports(impl, hide)) return impl;
  }
  return "portable";
}

// The scanner for an implementation name, or nullptr with *error when unknown or not supported by this CPU.
ScanFn ScanFor(const std::string& impl, uint32_t hide, std::string* error) {
  const bool known = impl == "sha-ni" || impl == "avx512" || impl == "avx2" || impl == "vec128" || impl == "portable";
  if (!known) {
    *error = "impl must be auto, sha-ni, avx512, avx2, vec128 or portable";
    return nullptr;
  }
  if (!Supports(impl, hide)) {
    *error = "this CPU does not support " + impl;
    return nullptr;
  }
  if (impl == "sha-ni") return chain_mining::scan_shani;
  if (impl == "avx512") return chain_mining::scan_avx512;
  if (impl == "avx2") return chain_mining::scan_avx2;
  if (impl == "vec128") return chain_mining::scan_vec128;
  return chain_mining::scan_portable;
}

// Optional trailing `hide` mask argument at `index` (absent or undefined: 0).
bool ReadHide(const Napi::CallbackInfo& info, size_t index, uint32_t* hide) {
  *hide = 0;
  if (info.Length() <= index || info[index].IsUndefined()) return true;
  if (!info[index].IsNumber()) {
    Napi::TypeError::New(info.Env(), "hide must be a bit mask (1 sha-ni, 2 avx512, 4 avx2)").ThrowAsJavaScriptException();
    return false;
  }
  *hide = info[index].As<Napi::Number>().Uint32Value() & 7u;
  return true;
}

bool ReadSearchArgs(const Napi::CallbackInfo& info, SearchArgs* args, size_t impl_index) {
  Napi::Env env = info.Env();
  if (info.Length() <= impl_index || !info[0].IsTypedArray() || !info[1].IsTypedArray() || !info[2].IsNumber() ||
      !info[3].IsNumber() || !info[impl_index].IsString()) {
    Napi::TypeError::New(env, "search(header, target, start, count, ..., impl)").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Uint8Array header = info[0].As<Napi::Uint8Array>();
  Napi::Uint8Array target = info[1].As<Napi::Uint8Array>();
  const double start = info[2].As<Napi::Number>().DoubleValue();
  const double count = info[3].As<Napi::Number>().DoubleValue();
  if (header.ByteLength() != 80 || target.ByteLength() != 32 || !(start >= 0 && start <= 4294967295.0) ||
      !(count >= 0 && start + count <= 4294967296.0) || start != double(uint64_t(start)) ||
      count != double(uint64_t(count))) {
    Napi::RangeError::New(env, "bad header, target or nonce range").ThrowAsJavaScriptException();
    return false;
  }
  chain_mining::prepare_job(args->job, header.Data(), target.Data());
  args->start = uint32_t(start);
  args->count = uint64_t(count);
  const std::string impl = info[impl_index].As<Napi::String>().Utf8Value();
  uint32_t hide = 0;
  if (!ReadHide(info, impl_index + 1, &hide)) return false;
  std::string error;
  args->scan = ScanFor(impl == "auto" ? BestImpl(hide) : impl, hide, &error);
  if (args->scan == nullptr) {
    Napi::Error::New(env, error).ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

// cpuSearch(header, target, start, count, threads, impl[, hide]) -> { promise, cancel }
Napi::Value CpuSearch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SearchArgs args;
  if (!ReadSearchArgs(info, &args, 5)) return env.Undefined();
  if (!info[4].IsNumber() || info[4].As<Napi::Number>().Int32Value() < 1) {
    Napi::RangeError::New(env, "threads must be >= 1").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int threads = info[4].As<Napi::Number>().Int32Value();
  Task* task = new Task(env);
  task->work = [args, threads](Task& t) {
    t.outcome = chain_mining::cpu_search(args.job, args.start, args.count, threads, args.scan, t.flag.get());
  };
  task->result = OutcomeValue;
  return SearchHandle(env, task);
}

// cudaLoad(path) -> error message, or null once the library is bound.
Napi::Value CudaLoad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "cudaLoad(path)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string error;
  if (chain_mining::cuda_load(info[0].As<Napi::String>().Utf8Value(), &error)) return env.Null();
  return Napi::String::New(env, error.empty() ? "CUDA library not loaded" : error);
}

// cudaDevices() -> Promise<{ index, name, totalMemory, major, minor, multiprocessors }[]>; off the JS thread
// because the first CUDA call starts the runtime.
Napi::Value CudaDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Task* task = new Task(env);
  task->work = [](Task& t) {
    if (!chain_mining::cuda_devices(&t.devices, &t.error) && t.error.empty()) t.error = "CUDA unavailable";
  };
  task->result = [](Napi::Env e, Task& t) -> Napi::Value {
    Napi::Array list = Napi::Array::New(e, t.devices.size());
    for (size_t i = 0; i < t.devices.size(); ++i) {
      const auto& d = t.devices[i];
      Napi::Object o = Napi::Object::New(e);
      o.Set("index", d.index);
      o.Set("name", d.name);
      o.Set("totalMemory", Napi::Number::New(e, double(d.total_memory)));
      o.Set("major", d.major);
      o.Set("minor", d.minor);
      o.Set("multiprocessors", d.multiprocessors);
      list.Set(uint32_t(i), o);
    }
    return list;
  };
  return StartTask(env, task);
}

// cudaSearch(header, target, start, count, devices: number[], impl) -> { promise, cancel }
Napi::Value CudaSearch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SearchArgs args;
  if (!ReadSearchArgs(info, &args, 5)) return env.Undefined();
  if (!info[4].IsArray() || info[4].As<Napi::Array>().Length() == 0) {
    Napi::TypeError::New(env, "devices must be a non-empty array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array list = info[4].As<Napi::Array>();
  std::vector<int> devices;
  for (uint32_t i = 0; i < list.Length(); ++i) devices.push_back(list.Get(i).As<Napi::Number>().Int32Value());
  Task* task = new Task(env);
  task->work = [args, devices](Task& t) {
    t.outcome = chain_mining::cuda_search(devices, args.job, args.start, args.count, args.scan, t.flag.get(),
                                          &t.error);
  };
  task->result = OutcomeValue;
  return SearchHandle(env, task);
}

// cpuFeatures([hide]) -> { shaNi, avx2, avx512, best, paths }: what the CPU runs (less the hidden features);
// `paths` lists every scanner it runs in the fixed preference order, `best` the first of them.
Napi::Value CpuFeatures(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t hide = 0;
  if (!ReadHide(info, 0, &hide)) return env.Undefined();
  Napi::Object o = Napi::Object::New(env);
  o.Set("shaNi", Supports("sha-ni", hide));
  o.Set("avx2", Supports("avx2", hide));
  o.Set("avx512", Supports("avx512", hide));
  o.Set("best", BestImpl(hide));
  Napi::Array paths = Napi::Array::New(env);
  for (const char* impl : kImpls) {
    if (Supports(impl, hide)) paths.Set(paths.Length(), impl);
  }
  o.Set("paths", paths);
  return o;
}

// cpuCalibrate(impl, threads, ms[, hide]) -> Promise<{ hashes, seconds, cpuRate }>: runs one scanner on `threads`
// threads over a never-met target for about `ms` milliseconds (cpu_measure) and reports what it hashed in how long
// (wall clock) and the rate per the threads' CPU time.
Napi::Value CpuCalibrate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t hide = 0;
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber() || !ReadHide(info, 3, &hide)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "cpuCalibrate(impl, threads, ms[, hide])").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int threads = info[1].As<Napi::Number>().Int32Value();
  const double ms = info[2].As<Napi::Number>().DoubleValue();
  if (threads < 1 || threads > 1024 || !(ms > 0 && ms <= 10000)) {
    Napi::RangeError::New(env, "threads must be in [1, 1024] and ms in (0, 10000]").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string error;
  const ScanFn scan = ScanFor(info[0].As<Napi::String>().Utf8Value(), hide, &error);
  if (scan == nullptr) {
    Napi::Error::New(env, error).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Task* task = new Task(env);
  task->work = [scan, threads, ms](Task& t) {
    t.measurement = chain_mining::cpu_measure(threads, scan, ms / 1000, t.flag.get());
  };
  task->result = [](Napi::Env e, Task& t) -> Napi::Value {
    Napi::Object o = Napi::Object::New(e);
    o.Set("hashes", Napi::Number::New(e, double(t.measurement.hashes)));
    o.Set("seconds", Napi::Number::New(e, t.measurement.wall_seconds));
    o.Set("cpuRate", Napi::Number::New(e, t.measurement.cpu_rate));
    return o;
  };
  return StartTask(env, task);
}

// sha256Into(data, out[, length]): writes SHA-256 of data (or of its first `length` bytes) into out[0..32).
// Synchronous: one short input costs well under a microsecond, less than handing it to another thread would.
void Sha256Into(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  napi_typedarray_type type;
  size_t in_len = 0, out_len = 0;
  void* in = nullptr;
  void* out = nullptr;
  if (info.Length() < 2 ||
      napi_get_typedarray_info(env, info[0], &type, &in_len, &in, nullptr, nullptr) != napi_ok || type != napi_uint8_array ||
      napi_get_typedarray_info(env, info[1], &type, &out_len, &out, nullptr, nullptr) != napi_ok || type != napi_uint8_array ||
      out_len < 32) {
    Napi::TypeError::New(env, "sha256Into(data: Uint8Array, out: Uint8Array(>=32))").ThrowAsJavaScriptException();
    return;
  }
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    double length = -1;
    if (napi_get_value_double(env, info[2], &length) != napi_ok || !(length >= 0) || length > double(in_len) || length != double(size_t(length))) {
      Napi::RangeError::New(env, "sha256Into: length must be an integer within the data").ThrowAsJavaScriptException();
      return;
    }
    in_len = size_t(length);
  }
  chain_mining::sha256_digest(static_cast<const uint8_t*>(in), in_len, static_cast<uint8_t*>(out));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  EnvStateHolder state = std::make_shared<EnvState>();
  env.SetInstanceData<EnvStateHolder>(new EnvStateHolder(state));
  env.AddCleanupHook([state]() {
    for (const AbortFlag& f : state->running) f->store(true);
  });
  exports.Set("cpuFeatures", Napi::Function::New(env, CpuFeatures, "cpuFeatures"));
  exports.Set("sha256Into", Napi::Function::New(env, Sha256Into, "sha256Into"));
  exports.Set("sha256Impl", Napi::String::New(env, chain_mining::sha256_impl_name()));
  exports.Set("cpuCalibrate", Napi::Function::New(env, CpuCalibrate, "cpuCalibrate"));
  exports.Set("cpuSearch", Napi::Function::New(env, CpuSearch, "cpuSearch"));
  exports.Set("cudaLoad", Napi::Function::New(env, CudaLoad, "cudaLoad"));
  exports.Set("cudaDevices", Napi::Function::New(env, CudaDevices, "cudaDevices"));
  exports.Set("cudaSearch", Napi::Function::New(env, CudaSearch, "cudaSearch"));
  chain_crypto::register_ecdsa(env, exports);
  chain_crypto::register_ecdsa_sign(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(chain_node_native, Init)
