// The CLI bundle's stand-ins for packages loaded at first use (scripts/build-cli-bundle.mjs, LAZY_PACKAGES): each
// stand-in's code, taken from the built chunk and run as the bundle runs it, gives the real package's exports, and
// loads nothing until an export is used.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, ROOT } from '../utils/ensure-built.js';

ensureBuilt();
const OUT = join(ROOT, 'dist', 'cli-bundle');
const bundleRequire = createRequire(join(OUT, 'cli.js'));

/** The stand-in module of `file` (node_modules/...) in the bundle: its body, between esbuild's markers. */
function standIn(file: string): string {
  for (const chunk of readdirSync(OUT).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(OUT, chunk), 'utf8');
    const at = text.indexOf(`// lazy-package:${file}\n`);
    if (at < 0) continue;
    // esbuild's wrapper, `"path"(exports) {` ... `}`, as scripts/build-cli-bundle.mjs rewrites it: `"path": (function (exports) {` ... `})`.
    const open = text.indexOf('(exports) {\n', at) + '(exports) {\n'.length;
    const close = text.indexOf('\n  })\n});', open);
    return text.slice(open, close);
  }
  throw new Error(`no stand-in for ${file} in the bundle`);
}

/** Runs a stand-in as its chunk does (the chunk's require, __bundleDir) and returns its exports and a spy. */
function load(file: string): { exports: Record<string, unknown>; required: string[] } {
  const required: string[] = [];
  const req = (id: string): unknown => {
    if (id !== 'node:path') required.push(id);
    return bundleRequire(id);
  };
  const exports: Record<string, unknown> = {};
  new Function('exports', '__require', '__bundleDir', standIn(file))(exports, req, OUT);
  return { exports, required };
}

t.test('cli-progress: the real classes and presets, loaded at first use', async (t) => {
  const real = bundleRequire('cli-progress') as Record<string, unknown>;
  const { exports, required } = load('node_modules/cli-progress/cli-progress.js');
  t.same(required, [], 'nothing loaded before an export is read');
  for (const k of ['Bar', 'SingleBar', 'MultiBar', 'Presets', 'Format']) t.equal(exports[k], real[k], k);
  t.equal(required.length, 1, 'loaded once');
});

t.test('@opentelemetry/api: the real trace and context APIs', async (t) => {
  const real = bundleRequire('@opentelemetry/api') as Record<string, unknown>;
  const { exports, required } = load('node_modules/@opentelemetry/api/dist/index.cjs');
  t.same(required, []);
  t.equal(exports.trace, real.trace);
  t.equal(exports.context, real.context);
});

t.test('ip-address: Address6 constructs the real class', async (t) => {
  const real = bundleRequire('ip-address') as { Address6: new (a: string) => { correctForm(): string } };
  const { exports, required } = load('node_modules/ip-address/dist/ip-address.js');
  t.same(required, []);
  const Address6 = exports.Address6 as new (a: string) => { correctForm(): string; startAddress(): { correctForm(): string } };
  const a = new Address6('2001:db8:0:0:1:0:0:1');
  t.ok(a instanceof real.Address6, 'an instance of the real class');
  t.equal(a.correctForm(), '2001:db8::1:0:0:1');
  t.equal(new Address6('2001:db8::1/56').startAddress().correctForm(), '2001:db8::');
});

t.test("glob (@fastify/static's copy): the real glob function, called through", async (t) => {
  const file = 'node_modules/@fastify/static/node_modules/glob/dist/commonjs/index.min.js';
  const real = bundleRequire(join(ROOT, file)) as { glob: (p: string, o: object) => Promise<string[]> };
  const { exports, required } = load(file);
  t.same(required, []);
  const glob = exports.glob as typeof real.glob;
  const opts = { cwd: join(ROOT, 'scripts', 'bundle-shims'), nodir: true };
  t.same((await glob('**/**', opts)).sort(), (await real.glob('**/**', opts)).sort());
  t.equal(required.length, 1);
});
