#!/usr/bin/env node
// Bundle the CLI (dist/bin/cli.js and everything it imports, npm packages included) into dist/cli-bundle/ with
// esbuild, code split at every dynamic import (the daemon, libp2p and the commands load only when used). Node's
// module loader costs about 0.5 ms per module and a start loaded ~700 of them: the bundle is what bin/chain-node
// runs (it falls back to dist/bin/cli.js where the bundle is missing), and starts in about half the time.
// Packages that load a native addon from their own folder (node-gyp-build with __dirname) stay external; so do the
// workers' .mjs files, which stay in dist/src/ and are found from the bundle by the rewritten URLs below.
import { build, transform } from 'esbuild';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'cli-bundle');

/** Packages whose code finds files (native addons) next to itself at run time. */
const EXTERNAL = ['classic-level', 'secp256k1', 'node-gyp-build'];

/** @type {import('esbuild').Plugin} */
const workerUrls = {
  name: 'worker-urls',
  setup(b) {
    // `new URL('./x.mjs', import.meta.url)` in dist/src/... names a file next to that module: from a bundle chunk
    // (all chunks are in `out`), the same file is at the path relative to `out`.
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, async (a) => {
      const text = await readFile(a.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(out, dirname(a.path)).split('\\').join('/');
      const contents = text.replace(/new URL\('\.\/([^']+\.mjs)', import\.meta\.url\)/g, (_m, file) => `new URL('${rel}/${file}', import.meta.url)`);
      return { contents, loader: 'js' };
    });
  },
};

/** @type {import('esbuild').Plugin} */
const packageDirs = {
  name: 'package-dirs',
  setup(b) {
    // CommonJS code of a bundled package that uses __dirname or __filename gets its own file's place in
    // node_modules (relative to the chunk, so the package folder can move), as it would unbundled.
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async (a) => {
      const text = await readFile(a.path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(text) || /^\s*(import|export)\s/m.test(text)) return undefined;
      const rel = JSON.stringify(relative(out, dirname(a.path)).split('\\').join('/'));
      const head = `var __dirname = require('node:path').join(__bundleDir, ${rel}), __filename = require('node:path').join(__dirname, ${JSON.stringify(basename(a.path))});`;
      return { contents: `${head}\n${text}`, loader: 'js' };
    });
  },
};

/** @type {import('esbuild').Plugin} */
const lazyYaml = {
  name: 'lazy-yaml',
  setup(b) {
    // @fastify/swagger requires yaml (a large module) at load, for the YAML document only: loaded at first use.
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: join(root, 'scripts', 'bundle-shims', 'lazy-yaml.mjs') }));
  },
};

/**
 * CommonJS packages that only rare paths use (their exports are read when called, not while modules load): each is
 * replaced by a stand-in whose exports load the package from node_modules at first use (resolved as the importer
 * would), so that a start does not evaluate it. `get`: exports read through a getter; `construct`: classes that an
 * importer destructures at load (the stand-in constructs the real class, whose instance it returns); `call`:
 * functions that an importer destructures at load.
 */
const LAZY_PACKAGES = {
  // prom-client's process CPU metric: OpenTelemetry spans for exemplars, which the node does not enable.
  '@opentelemetry/api': { get: ['trace', 'context'] },
  // Progress bars: `chain-node load`/`export` and the sync bar on a terminal.
  'cli-progress': { get: ['Bar', 'SingleBar', 'MultiBar', 'Presets', 'Format'] },
  // @fastify/rate-limit: IPv6 subnet keys only.
  'ip-address': { construct: ['Address6'] },
  // @fastify/static: listing the files of `wildcard: false`, which the explorer does not use (src/api/explorer.ts).
  glob: { call: ['glob'] },
};

/** @type {import('esbuild').Plugin} */
const lazyPackages = {
  name: 'lazy-packages',
  setup(b) {
    const names = Object.keys(LAZY_PACKAGES).map((n) => n.replace(/[/@.-]/g, (c) => `\\${c}`));
    b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, async (a) => {
      if (a.pluginData === 'real') return undefined;
      const real = await b.resolve(a.path, { kind: a.kind, resolveDir: a.resolveDir, pluginData: 'real' });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: relative(root, real.path).split('\\').join('/'), namespace: 'lazy-package', pluginData: { name: a.path, file: real.path } };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (a) => {
      const { name, file } = a.pluginData;
      const spec = LAZY_PACKAGES[name];
      const rel = JSON.stringify(relative(out, file).split('\\').join('/'));
      const lines = [
        `let real;`,
        `const load = () => (real ??= require(require('node:path').join(__bundleDir, ${rel})));`,
        ...(spec.get ?? []).map((k) => `Object.defineProperty(exports, ${JSON.stringify(k)}, { enumerable: true, get: () => load()[${JSON.stringify(k)}] });`),
        ...(spec.call ?? []).map((k) => `exports[${JSON.stringify(k)}] = function ${k}(...args) { return load()[${JSON.stringify(k)}](...args); };`),
        ...(spec.construct ?? []).map((k) => `exports[${JSON.stringify(k)}] = function ${k}(...args) { return new (load()[${JSON.stringify(k)}])(...args); };`),
      ];
      return { contents: lines.join('\n'), loader: 'js', resolveDir: dirname(file) };
    });
  },
};

/**
 * esbuild wraps each bundled CommonJS module in a method, `"node_modules/x.js"(exports, module) { ... }`, which V8
 * compiles only at its first call: after Node's compile cache took the chunk's code cache (made right after the
 * chunk's compilation), so every start parsed and compiled the body of every package it loads again. Rewritten as
 * a parenthesized function expression, which V8 compiles eagerly, each wrapper is in the code cache (a start's
 * CPU time about 30 ms lower, scripts/bench/startup.ts). Returns the number of wrappers rewritten.
 */
async function eagerWrappers(file) {
  const text = await readFile(file, 'utf8');
  const CLOSE = '\n  }\n});';
  let out = '';
  let at = 0;
  let count = 0;
  for (const m of text.matchAll(/(= __commonJS\(\{\n {2})("[^"\n]+")\(([^)\n]*)\) \{\n/g)) {
    const close = text.indexOf(CLOSE, m.index + m[0].length);
    if (m.index < at || close < 0) throw new Error(`${file}: unexpected CommonJS wrapper at ${m.index}`);
    out += `${text.slice(at, m.index)}${m[1]}${m[2]}: (function (${m[3]}) {\n${text.slice(m.index + m[0].length, close)}\n  })\n});`;
    at = close + CLOSE.length;
    count++;
  }
  out += text.slice(at);
  const wrappers = text.split('= __commonJS({').length - 1;
  if (count !== wrappers) throw new Error(`${file}: ${count} of ${wrappers} CommonJS wrappers rewritten`);
  if (count === 0) return 0;
  // Still one valid module (throws on a syntax error).
  await transform(out, { loader: 'js', format: 'esm', logLevel: 'silent' });
  await writeFile(file, out);
  return count;
}

await rm(out, { recursive: true, force: true });
await build({
  entryPoints: { cli: join(dist, 'bin', 'cli.js') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: EXTERNAL,
  plugins: [workerUrls, packageDirs, lazyYaml, lazyPackages],
  // CommonJS packages in an ES module bundle still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url); const __bundleDir = import.meta.dirname;",
  },
  logLevel: 'warning',
  legalComments: 'none',
});
for (const f of await readdir(out)) if (f.endsWith('.js')) await eagerWrappers(join(out, f));
