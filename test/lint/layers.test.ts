// The layer rule (.dependency-cruiser.cjs) run by `npm run lint:deps`: the tree passes it, and it catches a
// layer-breaking import and an import cycle in a small fixture tree laid out like src/.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';

const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');
const config = join(root, '.dependency-cruiser.cjs');

async function cruise(cwd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await promisify(execFile)(depcruise, [...args, '--config', config, '--output-type', 'err'], { cwd });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

async function fixture(t: Test, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'layers-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const all = { 'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }), ...files };
  for (const [path, text] of Object.entries(all)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

t.test('the source tree keeps the layer order and has no import cycle', async (t) => {
  const r = await cruise(root, ['src', 'bin']);
  t.equal(r.code, 0, r.out);
  t.match(r.out, /no dependency violations found/);
});

t.test('an import of a higher layer fails the check', async (t) => {
  const dir = await fixture(t, {
    'src/crypto/hash.ts': "import { P } from '../p2p/network.js';\nexport const h = P;\n",
    'src/p2p/network.ts': 'export const P = 1;\n',
  });
  const r = await cruise(dir, ['src']);
  t.not(r.code, 0);
  t.match(r.out, /layer-crypto: src\/crypto\/hash\.ts → src\/p2p\/network\.ts/);
});

t.test('an import cycle fails the check, even inside one layer', async (t) => {
  const dir = await fixture(t, {
    'src/chain/a.ts': "import { b } from './b.js';\nexport const a = (): number => b();\n",
    'src/chain/b.ts': "import { a } from './a.js';\nexport const b = (): number => a();\n",
  });
  const r = await cruise(dir, ['src']);
  t.not(r.code, 0);
  t.match(r.out, /no-circular/);
});

t.test('a folder without a place in the layer order fails the check', async (t) => {
  const dir = await fixture(t, {
    'src/newthing/x.ts': "import { h } from '../crypto/hash.js';\nexport const x = h;\n",
    'src/crypto/hash.ts': 'export const h = 1;\n',
  });
  const r = await cruise(dir, ['src']);
  t.not(r.code, 0);
  t.match(r.out, /unlayered-folder/);
});

t.test('a module barrel (src/<module>/index.ts) fails the check', async (t) => {
  const dir = await fixture(t, {
    'src/crypto/index.ts': "export * from './hash.js';\n",
    'src/crypto/hash.ts': 'export const h = 1;\n',
    'src/primitives/x.ts': "import { h } from '../crypto/index.js';\nexport const x = h;\n",
  });
  const r = await cruise(dir, ['src']);
  t.not(r.code, 0);
  t.match(r.out, /no-barrels: src\/primitives\/x\.ts → src\/crypto\/index\.ts/);
  t.match(r.out, /no-barrel-files: src\/crypto\/index\.ts/);
});
