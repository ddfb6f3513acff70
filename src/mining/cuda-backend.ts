import { ChainNodeError } from '../errors.js';
import { MiningErrorCode, type MiningBackend, type SearchOptions, type SearchResult } from './backend.js';
import { awaitNativeSearch, defaultNativeLoader, loadAddonOrThrow, type CudaDeviceInfo, type NativeAddon, type NativeAddonLoader } from './native-addon.js';
import type { NativeBackendDependencies } from './native-cpu-backend.js';
import { checkSearchArgs } from './search-args.js';

/** Options of the CUDA backend. */
export interface CudaBackendOptions {
  /** Device indices to mine on; default all. The range is split across them with the first-nonce guarantee. */
  devices?: number[];
}

/** Binds the CUDA library through the addon and lists devices; throws MINING_BACKEND_UNAVAILABLE with the reason. */
export async function openCuda(loader: NativeAddonLoader): Promise<{ addon: NativeAddon; devices: CudaDeviceInfo[] }> {
  const addon = loadAddonOrThrow(loader, 'cuda');
  const path = loader.cudaLibraryPath();
  if (path === null) {
    throw new ChainNodeError(MiningErrorCode.unavailable, 'cuda: CUDA library not built (nvcc was not found at build time)');
  }
  const loadError = addon.cudaLoad(path);
  if (loadError !== null) throw new ChainNodeError(MiningErrorCode.unavailable, `cuda: cannot load ${path}: ${loadError}`);
  let devices: CudaDeviceInfo[];
  try {
    devices = await addon.cudaDevices();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ChainNodeError(MiningErrorCode.unavailable, `cuda: CUDA runtime unavailable (${why})`, { cause: err });
  }
  if (devices.length === 0) throw new ChainNodeError(MiningErrorCode.unavailable, 'cuda: no CUDA device');
  return { addon, devices };
}

/**
 * GPU mining with the CUDA kernel (native/cuda/sha256d-kernel.cu) driven by the native addon: midstate on the
 * host, ~25 ms batches (so an abort lands quickly), candidates re-checked on the CPU.
 */
export class CudaBackend implements MiningBackend {
  readonly name = 'cuda' as const;
  private readonly requested: number[] | undefined;
  private readonly loader: NativeAddonLoader;
  private addon: NativeAddon | undefined;
  private selected: CudaDeviceInfo[] = [];

  constructor(options: CudaBackendOptions = {}, dependencies: NativeBackendDependencies = {}) {
    this.requested = options.devices;
    this.loader = dependencies.nativeLoader ?? defaultNativeLoader();
  }

  async load(): Promise<void> {
    const { addon, devices } = await openCuda(this.loader);
    const selected = this.requested === undefined ? devices : devices.filter((d) => this.requested?.includes(d.index));
    if (selected.length === 0 || (this.requested !== undefined && selected.length !== this.requested.length)) {
      throw new ChainNodeError(MiningErrorCode.unavailable, `cuda: devices ${JSON.stringify(this.requested)} requested, ${devices.length} present`);
    }
    this.addon = addon;
    this.selected = selected;
  }

  /** The devices this backend mines on (empty before load). */
  devices(): CudaDeviceInfo[] {
    return this.selected.map((d) => ({ ...d }));
  }

  async search(header: Uint8Array, target: bigint, startNonce: number, count: number, opts?: SearchOptions): Promise<SearchResult> {
    const addon = this.addon;
    if (addon === undefined) throw new ChainNodeError(MiningErrorCode.notLoaded, 'cuda: search before load');
    const args = checkSearchArgs(header, target, startNonce, count);
    if (count === 0) return { nonce: null, hashes: 0 };
    const indices = this.selected.map((d) => d.index);
    return awaitNativeSearch(() => addon.cudaSearch(args.header, args.targetLE, args.start, args.count, indices, 'auto'), this.name, opts);
  }

  async close(): Promise<void> {
    this.addon = undefined;
    this.selected = [];
  }
}

/** CUDA devices visible here (empty when the addon, the CUDA library, the driver or a GPU is missing). */
export async function cudaDevices(dependencies: NativeBackendDependencies = {}): Promise<CudaDeviceInfo[]> {
  try {
    return (await openCuda(dependencies.nativeLoader ?? defaultNativeLoader())).devices;
  } catch (err) {
    if (err instanceof ChainNodeError && err.code === MiningErrorCode.unavailable) return [];
    throw err;
  }
}
