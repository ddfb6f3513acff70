#!/usr/bin/env node
// Bundle the CLI (dist/bin/cli.js and everything it imports, npm packages included) into dist/cli-bundle/ with
// esbuild, code split at every dynamic import (the daemon, libp2p and the commands load only when used). Node's
// module loader costs about 0.5 ms per module and a start loaded ~700 of them: the bundle is what bin/chain-node
// runs (it falls back to dist/bin/cli.js where the bundle is missing), and starts in about half the time.
// Packages that load a native addon from their own folder (node-gyp-build with __dirname) stay external; so do the
// workers' .mjs files, which stay in dist/src/ and are found from the bundle by the rewritten URLs below.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'cli-bundle');

/** Packages whose code finds files next to itself at run time (native addons; @fastify/swagger's package.json). */
const EXTERNAL = ['classic-level', 'secp256k1', 'node-gyp-build', '@fastify/swagger'];

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
  plugins: [workerUrls],
  // CommonJS packages in an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
});
