// Backend selection and its fallback chain, with the native addon, the CUDA library and the WASM module replaced
// by fakes so every "missing" case can be simulated on any machine.
import t from 'tap';
import { availableBackends, loadBackend, parseBackendChoice, selectBackend, type LoadBackendDependencies } from '../../src/mining/loader.js';
import { MiningErrorCode } from '../../src/mining/backend.js';
import { referenceSearch } from '../../src/mining/reference-search.js';
import { type CudaDeviceInfo, type NativeAddon, type NativeAddonLoader, type NativeSearchHandle } from '../../src/mining/native-addon.js';
import { CudaBackend } from '../../src/mining/cuda-backend.js';
import { WasmBackend } from '../../src/mining/wasm-backend.js';
import { REAL_HEADERS, headerTarget } from './fixtures.js';

function readUint256LE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

// A search done in JS with the reference, shaped like the addon's handle.
function fakeSearch(header: Uint8Array, targetLE: Uint8Array, start: number, count: number): NativeSearchHandle {
  const r = referenceSearch(header, readUint256LE(targetLE), start, count);
  return { promise: Promise.resolve({ ...r, aborted: false }), cancel: () => undefined };
}

interface FakeOptions {
  cudaLibrary?: boolean;
  cudaLoadError?: string;
  devices?: CudaDeviceInfo[] | Error;
  shaNi?: boolean;
}

const H100: CudaDeviceInfo = { index: 0, name: 'Fake H100', totalMemory: 80e9, major: 9, minor: 0, multiprocessors: 132 };

function fakeAddon(o: FakeOptions): NativeAddon {
  return {
    cpuFeatures: () => ({
      shaNi: o.shaNi ?? true,
      avx2: false,
      avx512: false,
      best: o.shaNi === false ? 'vec128' : 'sha-ni',
      paths: o.shaNi === false ? ['vec128', 'portable'] : ['sha-ni', 'vec128', 'portable'],
    }),
    // Calibration figures of the fake: sha-ni fastest, then vec128, then portable.
    cpuCalibrate: (impl, _threads, ms) =>
      Promise.resolve({ hashes: (({ 'sha-ni': 3e7, vec128: 5e6 } as Record<string, number>)[impl] ?? 2e6) * (ms / 1000), seconds: ms / 1000, cpuRate: 0 }),
    cpuSearch: (h, tg, s, c) => fakeSearch(h, tg, s, c),
    cudaLoad: () => o.cudaLoadError ?? null,
    cudaDevices: () => (o.devices instanceof Error ? Promise.reject(o.devices) : Promise.resolve(o.devices ?? [])),
    cudaSearch: (h, tg, s, c) => fakeSearch(h, tg, s, c),
  };
}

function loaderWith(o: FakeOptions | 'missing'): NativeAddonLoader {
  return {
    load: () => {
      if (o === 'missing') throw new Error("Cannot find module '/x/build/Release/chain_node_native.node'");
      return fakeAddon(o);
    },
    cudaLibraryPath: () => (o !== 'missing' && o.cudaLibrary ? '/x/build/Release/chain_cuda.so' : null),
  };
}

const noWasm: LoadBackendDependencies['wasm'] = {
  readModule: () => Promise.reject(new Error('ENOENT: miner-simd.wasm')),
};

t.test('auto: no addon -> wasm, with the reasons for skipping cuda and native-cpu', async (t) => {
  const { backend, skipped } = await selectBackend({ threads: 1 }, { nativeLoader: loaderWith('missing') });
  t.teardown(() => backend.close?.());
  t.equal(backend.name, 'wasm');
  t.same(
    skipped.map((s) => s.name),
    ['cuda', 'native-cpu'],
  );
  for (const s of skipped) {
    t.equal(s.code, MiningErrorCode.unavailable);
    t.match(s.reason, /native addon not available/);
  }
});

t.test('auto: addon without CUDA library -> native-cpu', async (t) => {
  const { backend, skipped } = await selectBackend({}, { nativeLoader: loaderWith({}) });
  t.equal(backend.name, 'native-cpu');
  t.equal(skipped.length, 1);
  t.equal(skipped[0]!.name, 'cuda');
  t.match(skipped[0]!.reason, /CUDA library not built/);
});

t.test('auto: CUDA library present but unusable -> native-cpu, reason kept', async (t) => {
  const cases: [FakeOptions, RegExp][] = [
    [{ cudaLibrary: true, cudaLoadError: 'libcudart.so: cannot open shared object file' }, /cannot open shared object/],
    [{ cudaLibrary: true, devices: new Error('CUDA driver version is insufficient') }, /driver version is insufficient/],
    [{ cudaLibrary: true, devices: [] }, /no CUDA device/],
  ];
  for (const [fake, reason] of cases) {
    const { backend, skipped } = await selectBackend({}, { nativeLoader: loaderWith(fake) });
    t.equal(backend.name, 'native-cpu');
    t.match(skipped[0]!.reason, reason);
  }
});

t.test('auto: CUDA device present -> cuda, and it searches', async (t) => {
  const { backend, skipped } = await selectBackend({}, { nativeLoader: loaderWith({ cudaLibrary: true, devices: [H100] }) });
  t.equal(backend.name, 'cuda');
  t.same(skipped, []);
  t.same((backend as CudaBackend).devices(), [H100]);
  const g = REAL_HEADERS[0]!;
  t.equal((await backend.search(g.header, headerTarget(g.header), g.nonce - 100, 200)).nonce, g.nonce);
});

t.test('auto: nothing runs -> MINING_NO_BACKEND listing every reason', async (t) => {
  await t.rejects(selectBackend({}, { nativeLoader: loaderWith('missing'), wasm: noWasm }), {
    code: MiningErrorCode.noBackend,
    message: /cuda: .*native-cpu: .*wasm: .*ENOENT/,
  });
  await t.rejects(loadBackend('auto', {}, { nativeLoader: loaderWith('missing'), wasm: noWasm }), {
    code: MiningErrorCode.noBackend,
  });
});

t.test('a named backend that cannot run rejects with MINING_BACKEND_UNAVAILABLE', async (t) => {
  const missing = { nativeLoader: loaderWith('missing'), wasm: noWasm };
  for (const name of ['cuda', 'native-cpu', 'wasm']) {
    await t.rejects(loadBackend(name, {}, missing), { code: MiningErrorCode.unavailable }, name);
  }
  await t.rejects(loadBackend('cuda', {}, { nativeLoader: loaderWith({}) }), { code: MiningErrorCode.unavailable });
  await t.rejects(loadBackend('native-cpu', { cpuImpl: 'sha-ni' }, { nativeLoader: loaderWith({ shaNi: false }) }), {
    code: MiningErrorCode.unavailable,
    message: /does not support/,
  });
  await t.rejects(loadBackend('cuda', { cudaDevices: [1] }, { nativeLoader: loaderWith({ cudaLibrary: true, devices: [H100] }) }), {
    code: MiningErrorCode.unavailable,
  });
});

t.test('backend names and option checks', async (t) => {
  t.equal(parseBackendChoice(undefined), 'auto');
  t.equal(parseBackendChoice(''), 'auto');
  t.equal(parseBackendChoice('wasm'), 'wasm');
  t.throws(() => parseBackendChoice('gpu'), { code: MiningErrorCode.unknownBackend });
  await t.rejects(loadBackend('opencl'), { code: MiningErrorCode.unknownBackend });
  await t.rejects(loadBackend('native-cpu', { threads: 0 }, { nativeLoader: loaderWith({}) }), {
    code: MiningErrorCode.invalidArgument,
  });
  await t.rejects(selectBackend({ threads: 1.5 }, { nativeLoader: loaderWith({}) }), { code: MiningErrorCode.invalidArgument });
  const unloaded = new CudaBackend({}, { nativeLoader: loaderWith({}) });
  await t.rejects(unloaded.search(REAL_HEADERS[0]!.header, 1n, 0, 1), { code: MiningErrorCode.notLoaded });
});

t.test('availableBackends reflects what loads', async (t) => {
  t.same(await availableBackends({}, { nativeLoader: loaderWith('missing') }), ['wasm']);
  t.same(await availableBackends({}, { nativeLoader: loaderWith({}) }), ['native-cpu', 'wasm']);
  t.same(await availableBackends({}, { nativeLoader: loaderWith({ cudaLibrary: true, devices: [H100] }) }), ['cuda', 'native-cpu', 'wasm']);
  t.same(await availableBackends({}, { nativeLoader: loaderWith('missing'), wasm: noWasm }), []);
});

t.test('wasm falls back to the scalar module when SIMD does not validate', async (t) => {
  const { readFile } = await import('node:fs/promises');
  const { packageRoot } = await import('../../src/package-root.js');
  const wasm = new WasmBackend(
    { threads: 1 },
    {
      readModule: async (flavor) =>
        flavor === 'simd' ? Uint8Array.of(0, 0x61, 0x73, 0x6d, 9, 9, 9, 9) : readFile(`${packageRoot()}/native/wasm/build/miner-scalar.wasm`),
    },
  );
  await wasm.load();
  t.teardown(() => wasm.close());
  t.equal(wasm.implementation, 'scalar');
  const g = REAL_HEADERS[0]!;
  t.equal((await wasm.search(g.header, headerTarget(g.header), g.nonce - 10, 20)).nonce, g.nonce);
});

t.test('skip reasons come with advice that says what to do', async (t) => {
  const { backend, skipped } = await selectBackend({ threads: 1 }, { nativeLoader: loaderWith('missing') });
  t.teardown(() => backend.close?.());
  t.match(skipped[0]!.advice, /not built: run `npm run build:native`/);
  t.notMatch(skipped[0]!.advice, /Cannot find module/);
  const noLib = await selectBackend({}, { nativeLoader: loaderWith({}) });
  t.match(noLib.skipped[0]!.advice, /install the CUDA toolkit, then run `npm run build:native`/);
  const noDriver = await selectBackend(
    {},
    { nativeLoader: loaderWith({ cudaLibrary: true, devices: new Error('cudaGetDeviceCount: CUDA driver version is insufficient') }) },
  );
  t.equal(noDriver.skipped[0]!.advice, 'no usable NVIDIA GPU and driver here (nothing to do unless this machine has one: then check `nvidia-smi`)');
  await noLib.backend.close?.();
  await noDriver.backend.close?.();
});
