#!/usr/bin/env node
// Builds the optional native miner: the N-API addon (node-gyp, binding.gyp) and, when nvcc is available, the
// CUDA scanner library that the addon dlopens (build/Release/chain_cuda.so). Every step may fail: the miner then
// falls back to the next backend (native CPU, then WASM), so under npm `install` this script only warns (saying
// which backend will run and why) and exits 0; with --strict (`npm run build:native`, CI) a failed step exits 1.
//
// Node headers: node-gyp downloads them unless given --nodedir, which fails offline and with an empty HOME. The
// pinned `node` devDependency ships them (node_modules/node/node_modules/node-<platform>-<arch>/include/node), so
// the build always uses those when they are installed, whatever npm's own `nodedir` setting says; without the
// devDependency (a published install) it uses the headers beside the running Node binary, then node-gyp's default.
//
// It lives in native/ rather than scripts/ because native/ is in package.json `files` and scripts/ is not: the
// published package runs it as its `install` script.
//
//   node native/build-native.mjs            npm `install`: build what is missing or out of date
//   node native/build-native.mjs --force --strict    npm `build:native`: rebuild everything, fail loudly
//   options: --strict, --no-cuda
//   env: CHAIN_NODE_SKIP_NATIVE=1 skips everything; NVCC=/path/to/nvcc or CUDA_HOME/CUDA_PATH pick nvcc.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const force = args.has('--force');
const strict = args.has('--strict');
const require = createRequire(import.meta.url);

const releaseDir = join(root, 'build', 'Release');
const addonPath = join(releaseDir, 'chain_node_native.node');
const cudaLibName = process.platform === 'win32' ? 'chain_cuda.dll' : 'chain_cuda.so';
const cudaLibPath = join(releaseDir, cudaLibName);
const cudaSource = join(root, 'native', 'cuda', 'sha256d-kernel.cu');
let failed = false;
/** What happened to the addon, for the closing summary line. */
let addonStatus = 'not attempted';

function warn(message) {
  console.warn(`chain-node native build: ${message}`);
}

function fail(message) {
  failed = true;
  warn(strict ? `error: ${message}` : message);
}

function newestMtime(paths) {
  let newest = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestMtime(readdirSync(p).map((f) => join(p, f))));
    else newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

function upToDate(output, inputs) {
  return existsSync(output) && statSync(output).mtimeMs >= newestMtime(inputs);
}

function addonLoads() {
  try {
    require(addonPath);
    return true;
  } catch {
    return false;
  }
}

function nodeGypCommand() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally: npm's bundled copy (npm_config_node_gyp) or nothing
  }
  return candidates.find((c) => c && existsSync(c));
}

/**
 * The directory to pass node-gyp as --nodedir (it must hold include/node/node_api.h), and where it came from; null
 * leaves node-gyp to its default (download into its cache).
 */
function nodeHeadersDir() {
  const has = (dir) => existsSync(join(dir, 'include', 'node', 'node_api.h'));
  try {
    const nodePkg = dirname(require.resolve('node/package.json', { paths: [root] }));
    const pinned = join(nodePkg, 'node_modules', `node-${process.platform}-${process.arch}`);
    if (has(pinned)) return { dir: pinned, source: 'the pinned node devDependency' };
    // The node package installs node-<platform>-<arch> from its preinstall script, outside the lockfile, so a
    // later `npm install <pkg>` prunes it as extraneous.
    warn(`the pinned Node headers are missing (${pinned}); \`npm rebuild node\` (or \`npm ci\`) restores them`);
  } catch {
    // the node devDependency is not installed (published package): next candidate
  }
  const beside = join(dirname(process.execPath), '..');
  if (has(beside)) return { dir: beside, source: `the running Node (${process.execPath})` };
  return null;
}

function buildAddon() {
  const inputs = [join(root, 'binding.gyp'), join(root, 'native', 'src'), join(root, 'native', 'vendor'), join(root, 'native', 'cuda', 'chain-cuda.h')];
  if (!force && upToDate(addonPath, inputs) && addonLoads()) {
    addonStatus = 'already built and up to date';
    return true;
  }
  const gyp = nodeGypCommand();
  if (!gyp) {
    fail('node-gyp not found, native addon not built');
    addonStatus = 'node-gyp was not found';
    return false;
  }
  const headers = nodeHeadersDir();
  const gypArgs = [gyp, 'rebuild'];
  if (headers) gypArgs.push(`--nodedir=${headers.dir}`);
  console.log(`chain-node native build: building the addon with node-gyp, Node headers from ${headers ? `${headers.source}: ${headers.dir}` : "node-gyp's cache (download)"}`);
  // npm exports its own nodedir setting to scripts, which node-gyp would read too: --nodedir above wins, and
  // without one an unrelated npm setting must not pick the headers either.
  const env = { ...process.env };
  delete env.npm_config_nodedir;
  const r = spawnSync(process.execPath, gypArgs, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0 || !addonLoads()) {
    fail(`building the addon with node-gyp failed (exit ${r.status ?? r.signal}; C++ compiler, make or Python 3 missing?)`);
    addonStatus = 'node-gyp failed (see its output above)';
    return false;
  }
  addonStatus = 'built';
  return true;
}

function findNvcc() {
  const candidates = [process.env.NVCC];
  for (const home of [process.env.CUDA_HOME, process.env.CUDA_PATH]) if (home) candidates.push(join(home, 'bin', 'nvcc'));
  const exe = process.platform === 'win32' ? 'nvcc.exe' : 'nvcc';
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, exe));
  candidates.push('/usr/local/cuda/bin/nvcc');
  return candidates.find((c) => c && existsSync(c));
}

function buildCuda() {
  if (args.has('--no-cuda')) return;
  const nvcc = findNvcc();
  if (!nvcc) {
    console.log('chain-node native build: nvcc not found, CUDA backend not built');
    return;
  }
  const inputs = [cudaSource, join(root, 'native', 'cuda', 'chain-cuda.h')];
  if (!force && upToDate(cudaLibPath, inputs)) return;
  mkdirSync(releaseDir, { recursive: true });
  // sm_80 / sm_90 machine code plus compute_90 PTX that newer GPUs JIT-compile. The CUDA runtime is linked
  // statically so the library needs only the driver (libcuda) at run time, which it looks up itself.
  const nvccArgs = [
    '-O3', '-std=c++17', '-shared', '-cudart', 'static',
    '-gencode', 'arch=compute_80,code=sm_80',
    '-gencode', 'arch=compute_90,code=sm_90',
    '-gencode', 'arch=compute_90,code=compute_90',
    ...(process.platform === 'win32' ? [] : ['-Xcompiler', '-fPIC', '-Xcompiler', '-fvisibility=hidden']),
    '-o', cudaLibPath, cudaSource,
  ];
  console.log(`chain-node native build: ${nvcc} ${nvccArgs.join(' ')}`);
  const r = spawnSync(nvcc, nvccArgs, { cwd: root, stdio: 'inherit', timeout: 300_000 });
  if (r.status !== 0) fail('nvcc failed, CUDA backend not built');
}

function summary(addonOk) {
  const cuda = existsSync(cudaLibPath) ? ' (CUDA library present: the cuda backend runs where a GPU and driver are found)' : '';
  if (addonOk) return `native addon ${addonStatus}: mining uses the native-cpu backend${cuda}, signatures use the addon's libsecp256k1`;
  return (
    `native addon NOT built (${addonStatus}): mining will use the WASM backend, several times slower than native-cpu. ` +
    'Install a C++ compiler, make and Python 3, then run `npm run build:native`.'
  );
}

if (process.env.CHAIN_NODE_SKIP_NATIVE === '1') {
  console.log('chain-node native build: skipped (CHAIN_NODE_SKIP_NATIVE=1): mining will use the WASM backend unless an addon is already built');
} else {
  // node-gyp rebuild wipes build/, so the CUDA library is built after it.
  const addonOk = buildAddon();
  if (addonOk) buildCuda();
  console.log(`chain-node native build: ${summary(addonOk)}`);
}
process.exit(failed && strict ? 1 : 0);
