import { ChainNodeError } from '../errors.js';
import { BACKEND_NAMES, MiningErrorCode, type BackendChoice, type BackendName, type MiningBackend } from './backend.js';
import { CudaBackend } from './cuda-backend.js';
import type { CpuImpl, NativeAddonLoader } from './native-addon.js';
import { NativeCpuBackend } from './native-cpu-backend.js';
import type { CalibrationStore, CpuFeature } from './cpu-calibration.js';
import { WasmBackend, type WasmBackendDependencies, type WasmFlavor } from './wasm-backend.js';

/** Options for loading a backend. */
export interface LoadBackendOptions {
  /** CPU threads for native-cpu and wasm; default one per core. */
  threads?: number;
  /** native-cpu hashing code; default `auto` (the one measured fastest here). */
  cpuImpl?: CpuImpl;
  /** native-cpu: features to pretend the CPU lacks (simulating older CPUs). */
  hideCpuFeatures?: readonly CpuFeature[];
  /** native-cpu: where `auto` keeps its calibration between runs. */
  calibrationStore?: CalibrationStore;
  /** wasm module; default `auto` (SIMD when the engine has it). */
  wasmFlavor?: WasmFlavor;
  /** CUDA device indices; default all. */
  cudaDevices?: number[];
}

/** Injectable pieces, so tests can simulate a missing addon, CUDA library or WASM module. */
export interface LoadBackendDependencies {
  nativeLoader?: NativeAddonLoader;
  wasm?: WasmBackendDependencies;
}

/** A backend `auto` passed over, and why (for one log line at startup). */
export interface SkippedBackend {
  name: BackendName;
  /** The error code, normally MINING_BACKEND_UNAVAILABLE. */
  code: string;
  reason: string;
  /** What an operator can do about it, in words (the raw reason is for debugging). */
  advice: string;
}

/** Turns a loader's reason for skipping a backend into what to do about it. */
export function skipAdvice(name: BackendName, reason: string): string {
  if (/native addon not available/.test(reason)) {
    return 'the native addon is not built: run `npm run build:native` (needs a C++ compiler, make and Python 3); mining is slower without it';
  }
  if (name === 'cuda') {
    if (/CUDA library not built/.test(reason))
      return 'the CUDA library was not built (no nvcc at install): install the CUDA toolkit, then run `npm run build:native`, to mine on a GPU';
    if (/requested/.test(reason)) return `${reason.replace(/^cuda: /, '')}: check --cuda-devices`;
    return 'no usable NVIDIA GPU and driver here (nothing to do unless this machine has one: then check `nvidia-smi`)';
  }
  if (name === 'native-cpu' && /does not support/.test(reason)) return 'this CPU lacks the requested instructions: leave the CPU implementation on auto';
  if (name === 'wasm') return `the WASM miner cannot run (${reason.replace(/^wasm: /, '')}): reinstall the package`;
  return reason;
}

/** What `selectBackend` settled on. */
export interface BackendSelection {
  backend: MiningBackend;
  /** Faster backends that could not run here, in the order they were tried. */
  skipped: SkippedBackend[];
}

/** Parses a backend name (e.g. the CHAIN_NODE_MINER_BACKEND value the CLI reads); undefined or '' means auto. */
export function parseBackendChoice(value: string | undefined): BackendChoice {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new ChainNodeError(MiningErrorCode.unknownBackend, `unknown mining backend "${value}" (expected auto, ${BACKEND_NAMES.join(', ')})`);
}

const CPU_IMPLS = ['auto', 'sha-ni', 'avx512', 'avx2', 'vec128', 'portable'] as const;

/** Parses a native-cpu path name (the `mining.cpuPath` setting); undefined or '' means auto. */
export function parseCpuImpl(value: string | undefined): CpuImpl {
  if (value === undefined || value === '') return 'auto';
  if ((CPU_IMPLS as readonly string[]).includes(value)) return value as CpuImpl;
  throw new ChainNodeError(MiningErrorCode.invalidArgument, `unknown CPU mining path "${value}" (expected ${CPU_IMPLS.join(', ')})`);
}

function createBackend(name: BackendName, options: LoadBackendOptions, deps: LoadBackendDependencies): MiningBackend {
  const native = { nativeLoader: deps.nativeLoader };
  switch (name) {
    case 'cuda':
      return new CudaBackend({ devices: options.cudaDevices }, native);
    case 'native-cpu':
      return new NativeCpuBackend(
        { threads: options.threads, cpuImpl: options.cpuImpl, hideCpuFeatures: options.hideCpuFeatures, calibrationStore: options.calibrationStore },
        native,
      );
    case 'wasm':
      return new WasmBackend({ threads: options.threads, flavor: options.wasmFlavor }, deps.wasm);
  }
}

function describe(err: unknown): { code: string; reason: string } {
  if (err instanceof ChainNodeError) return { code: err.code, reason: err.message };
  return { code: MiningErrorCode.unavailable, reason: err instanceof Error ? err.message : String(err) };
}

/**
 * Picks the fastest backend that runs here: CUDA when the addon, the CUDA library and a device are there, else the
 * native CPU addon, else WASM. Resolves the loaded backend and the reasons the faster ones were skipped; rejects
 * with MINING_NO_BACKEND when none runs.
 */
export async function selectBackend(options: LoadBackendOptions = {}, dependencies: LoadBackendDependencies = {}): Promise<BackendSelection> {
  const skipped: SkippedBackend[] = [];
  for (const name of BACKEND_NAMES) {
    const backend = createBackend(name, options, dependencies);
    try {
      await backend.load();
      return { backend, skipped };
    } catch (err) {
      if (err instanceof ChainNodeError && err.code === MiningErrorCode.invalidArgument) throw err;
      const d = describe(err);
      skipped.push({ name, ...d, advice: skipAdvice(name, d.reason) });
    }
  }
  throw new ChainNodeError(MiningErrorCode.noBackend, `no mining backend runs here: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/**
 * Loads a backend by name, or the fastest one for `auto` (use `selectBackend` to also get why faster ones were
 * skipped). Rejects with MINING_BACKEND_UNAVAILABLE when the named backend cannot run here, MINING_NO_BACKEND when
 * `auto` finds none, MINING_UNKNOWN_BACKEND for a name that does not exist.
 */
export async function loadBackend(
  name: BackendChoice | string,
  options: LoadBackendOptions = {},
  dependencies: LoadBackendDependencies = {},
): Promise<MiningBackend> {
  const choice = parseBackendChoice(name);
  if (choice === 'auto') return (await selectBackend(options, dependencies)).backend;
  const backend = createBackend(choice, options, dependencies);
  await backend.load();
  return backend;
}

/** Names of the backends that load here, fastest first (each is loaded and closed again to find out). */
export async function availableBackends(options: LoadBackendOptions = {}, dependencies: LoadBackendDependencies = {}): Promise<BackendName[]> {
  const names: BackendName[] = [];
  for (const name of BACKEND_NAMES) {
    // A scanner every CPU runs, so finding out whether the backend loads does not calibrate.
    const cpuImpl = options.cpuImpl === undefined || options.cpuImpl === 'auto' ? 'portable' : options.cpuImpl;
    const backend = createBackend(name, { ...options, threads: 1, cpuImpl }, dependencies);
    try {
      await backend.load();
      names.push(name);
    } catch {
      // not available here
    } finally {
      await backend.close?.();
    }
  }
  return names;
}
