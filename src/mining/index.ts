export {
  BACKEND_NAMES,
  MiningErrorCode,
  type BackendChoice,
  type BackendName,
  type MiningBackend,
  type SearchOptions,
  type SearchResult,
} from './backend.js';
export { CudaBackend, cudaDevices, type CudaBackendOptions } from './cuda-backend.js';
export {
  availableBackends,
  loadBackend,
  parseBackendChoice,
  parseCpuImpl,
  selectBackend,
  type BackendSelection,
  type LoadBackendDependencies,
  type LoadBackendOptions,
  type SkippedBackend,
} from './loader.js';
export {
  defaultNativeLoader,
  type CpuFeatures,
  type CpuImpl,
  type CpuScanner,
  type CudaDeviceInfo,
  type NativeAddon,
  type NativeAddonLoader,
  type NativeSearchHandle,
} from './native-addon.js';
export { NativeCpuBackend, type NativeBackendDependencies, type NativeCpuBackendOptions } from './native-cpu-backend.js';
export { referenceSearch } from './reference-search.js';
export { targetToBytesLE } from './search-args.js';
export { WasmBackend, type WasmBackendDependencies, type WasmBackendOptions, type WasmFlavor } from './wasm-backend.js';
export { Miner, MINER_DEFAULTS, type MinerOptions, type MinerDependencies, type MinerEvents, type MinerStatus, type HashrateEvent, type TemplateSource } from './miner.js';
export {
  CALIBRATION_BUDGET_MS,
  CPU_FEATURES,
  calibrateCpuPaths,
  calibrationKey,
  fileCalibrationStore,
  hideMask,
  parseCpuFeatures,
  type CalibrationStore,
  type CpuCalibration,
  type CpuFeature,
  type CpuPathFigure,
} from './cpu-calibration.js';
