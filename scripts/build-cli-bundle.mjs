#!/usr/bin/env node
// Bundle the CLI (dist/bin/cli.js and everything it imports, npm packages included) into dist/cli-bundle/ with
// esbuild, code split at every dynamic import (the daemon, libp2p and the commands load only when used). Node's
// module loader costs about 0.5 ms per module and a start loaded ~700 of them: the bundle is what bin/chain-node
// runs (it falls back to dist/bin/cli.js where the bundle is missing), and starts in about half the time.
// Packages that load a native addon from their own folder (node-gyp-build with __dirname) stay external; so do the
// workers' .mjs files, which stay in dist/src/ and are found from the bundle by the rewritten URLs below.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
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
  plugins: [workerUrls, packageDirs, lazyYaml],
  // CommonJS packages in an ES module bundle still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url); const __bundleDir = import.meta.dirname;",
  },
  logLevel: 'warning',
  legalComments: 'none',
});
