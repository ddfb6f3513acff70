// native/build-native.mjs run the way a fresh machine runs it: empty HOME, no npm configuration (and a bogus npm
// nodedir, which must not be used). The compiler is replaced by `false` so the build fails fast and offline: the
// script must have handed node-gyp the pinned headers (no download attempt), exit 1 when asked explicitly
// (--strict, as `npm run build:native` does), and exit 0 under npm `install` while saying which backend runs.
// The successful build with a real compiler is the CI step in .ci/run (fresh clone, empty HOME).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PINNED = join(ROOT, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);

function sandbox(): { dir: string; home: string } {
  const dir = mkdtempSync(join(tmpdir(), 'chain-node-native-'));
  mkdirSync(join(dir, 'native'));
  copyFileSync(join(ROOT, 'native', 'build-native.mjs'), join(dir, 'native', 'build-native.mjs'));
  for (const p of ['native/src', 'native/vendor', 'native/cuda', 'binding.gyp', 'package.json', 'node_modules']) symlinkSync(join(ROOT, p), join(dir, p));
  const home = join(dir, 'home');
  mkdirSync(home);
  return { dir, home };
}

function run(args: string[]): { status: number | null; out: string } {
  const { dir, home } = sandbox();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, CXX: 'false', CC: 'false', npm_config_nodedir: '/nonexistent/nodedir' };
  const r = spawnSync(process.execPath, [join(dir, 'native', 'build-native.mjs'), ...args], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

t.test('npm run build:native (--force --strict) exits 1 when the compiler fails, having used the pinned headers', async (t) => {
  const { status, out } = run(['--force', '--strict', '--no-cuda']);
  t.equal(status, 1, 'the explicit build fails loudly');
  t.match(out, `Node headers from the pinned node devDependency: ${PINNED}`);
  t.match(out, /error: building the addon with node-gyp failed/);
  t.notMatch(out, /nodejs\.org|headers\.tar\.gz/, 'no header download was attempted');
  t.notMatch(out, /nonexistent\/nodedir/, "npm's nodedir setting is not used");
});

t.test('npm install (no flags) stays soft and says which backend will run and why', async (t) => {
  const { status, out } = run(['--no-cuda']);
  t.equal(status, 0);
  t.match(out, /native addon NOT built \(node-gyp failed.*\): mining will use the WASM backend/);
  t.match(out, /then run `npm run build:native`/);
});
