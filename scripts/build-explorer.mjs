#!/usr/bin/env node
// Build the web explorer (explorer/) into dist/explorer/: esbuild bundles the Preact app, code split so the
// proof checker and charts load only on the pages that use them, with hashed asset names, precompressed copies
// (.br, .gz) and an index.html without inline script. Node-only modules of the shared pure code (node:crypto
// hashing, the native addon) are swapped for browser equivalents here.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'explorer');
const out = join(root, 'dist', 'explorer');

const shims = {
  [join(root, 'src', 'crypto', 'hash.ts')]: join(src, 'src', 'shims', 'hash.ts'),
  [join(root, 'src', 'crypto', 'verify-native.ts')]: join(src, 'src', 'shims', 'verify-native.ts'),
  [join(root, 'src', 'crypto', 'ed25519-keys.ts')]: join(src, 'src', 'shims', 'ed25519-keys.ts'),
};

/** @type {import('esbuild').Plugin} */
const browserShims = {
  name: 'browser-shims',
  setup(b) {
    b.onResolve({ filter: /^node:buffer$/ }, () => ({ path: join(src, 'src', 'shims', 'node-buffer.ts') }));
    b.onResolve({ filter: /^node:/ }, (a) => ({ errors: [{ text: `${a.path} (imported by ${a.importer}) cannot run in a browser` }] }));
    b.onResolve({ filter: /\/(hash|verify-native|ed25519-keys)\.js$/ }, (a) => {
      const target = join(a.resolveDir, a.path.replace(/\.js$/, '.ts'));
      return shims[target] === undefined ? undefined : { path: shims[target] };
    });
  },
};

// Files are overwritten in place and stale ones removed afterwards (never the whole folder first), so a node
// serving this folder while a build runs never finds its page missing.
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: { app: join(src, 'src', 'main.tsx'), style: join(src, 'style.css') },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2022'],
  platform: 'browser',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  outdir: out,
  metafile: true,
  plugins: [browserShims],
  inject: [join(src, 'src', 'shims', 'buffer-global.ts')],
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

// The shared worker keeps a fixed name (the page opens it by name); it is small and served with no-cache.
await build({
  entryPoints: { 'live-worker': join(src, 'src', 'live-worker.ts') },
  bundle: true,
  format: 'iife',
  target: ['es2022'],
  platform: 'browser',
  minify: true,
  legalComments: 'none',
  outdir: out,
  logLevel: 'warning',
});

const outputs = [...Object.keys(result.metafile.outputs).map((p) => basename(p)), 'live-worker.js'];
const appJs = outputs.find((f) => /^app-.*\.js$/.test(f));
const css = outputs.find((f) => /^style-.*\.css$/.test(f));
if (appJs === undefined || css === undefined) throw new Error(`explorer build: missing outputs in ${outputs.join(', ')}`);
// First-load JavaScript: the entry and the chunks it imports statically (lazy pages load the rest).
const meta = result.metafile.outputs;
const firstLoad = new Set();
const visit = (p) => {
  if (firstLoad.has(p)) return;
  firstLoad.add(p);
  for (const i of meta[p].imports) if (i.kind === 'import-statement') visit(i.path);
};
visit(Object.keys(meta).find((p) => basename(p) === appJs));

// The page preloads the entry's static chunks, so they load alongside it instead of after it.
const preload = [...firstLoad]
  .map((p) => basename(p))
  .filter((f) => f !== appJs)
  .map((f) => `<link rel="modulepreload" href="${f}">`)
  .join('\n');
const html = readFileSync(join(src, 'index.html'), 'utf8').replace('%APP_JS%', appJs).replace('%STYLE_CSS%', css).replace('%PRELOAD%', preload);
writeFileSync(join(out, 'index.html'), html);
writeFileSync(join(out, 'favicon.svg'), readFileSync(join(src, 'favicon.svg')));
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify({ app: appJs, style: css, firstLoad: [...firstLoad].map((p) => basename(p)) }, null, 2)}\n`);

const current = new Set(['index.html', 'favicon.svg', 'manifest.json', ...outputs]);
for (const f of readdirSync(out)) {
  const base = f.replace(/\.(br|gz)$/, '');
  if (!current.has(base)) {
    rmSync(join(out, f), { force: true });
    continue;
  }
  if (f !== base) continue;
  const body = readFileSync(join(out, f));
  writeFileSync(join(out, `${f}.br`), brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(join(out, `${f}.gz`), gzipSync(body, { level: 9 }));
}
