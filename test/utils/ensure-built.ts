// Build dist/ when it is missing or older than the sources, so tests that spawn bin/chain-node run the current
// code. One lock directory and build stamp for every test file (e2e, p2p, reliability).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STAMP = join(ROOT, 'dist', '.e2e-build-stamp');
const LOCK = join(ROOT, 'dist', '.e2e-build-lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|mts|mjs|js|json)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function sourcesNewest(): number {
  return Math.max(
    ...['src', 'bin', 'scripts'].map((d) => newestSource(join(ROOT, d))),
    ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(ROOT, f)).mtimeMs),
  );
}

function isFresh(): boolean {
  return existsSync(join(ROOT, 'dist', 'bin', 'cli.js')) && existsSync(STAMP) && statSync(STAMP).mtimeMs >= sourcesNewest();
}

/**
 * Compile to dist/ (`tsc -p tsconfig.build.json`, then the CLI bundle) unless it is newer than every source, so spawned processes
 * run the current code. Parallel test files take turns through a lock directory; type errors elsewhere do not
 * stop the build (tsc still emits), but a missing dist/bin/cli.js does.
 */
export function ensureBuilt(): void {
  if (isFresh()) return;
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than 3 minutes is stale.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 180_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another e2e build');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (isFresh()) return;
    const started = Date.now();
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
    if (!existsSync(join(ROOT, 'dist', 'bin', 'cli.js'))) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
    if (r.status !== 0) process.stderr.write(`# e2e build: tsc reported errors (output still emitted):\n${r.stdout.split('\n').slice(0, 10).join('\n')}\n`);
    // The bundle is what bin/chain-node runs (as npm run build makes it); a failed bundle leaves the modules running.
    const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli-bundle.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (b.status !== 0) process.stderr.write(`# e2e build: the CLI bundle failed (bin/chain-node runs dist/bin):\n${b.stderr.slice(0, 2000)}\n`);
    writeFileSync(STAMP, new Date(started).toISOString());
    // The stamp must not look newer than sources edited while tsc ran.
    utimesSync(STAMP, new Date(started), new Date(started));
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
