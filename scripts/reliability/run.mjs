#!/usr/bin/env node
// Reliability runner: `npm run test:reliability [-- <name> ...]` builds dist/ when it is older than the sources,
// runs every test/reliability/long/*.long.ts (or the named ones) as a standalone script on this Node (npm scripts
// use the pinned Node 24, whose type stripping runs the TypeScript directly; the resolve hook in
// test/chain/ts-strip-loader.mjs maps the sources' `.js` specifiers to `.ts`), collects the
// `RELIABILITY <metric> <value>` lines each prints, prints a summary table, and exits non-zero when any script
// failed (non-zero exit, a signal, or no RELIABILITY line at all).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const longDir = join(root, 'test', 'reliability', 'long');
const loader = pathToFileURL(join(root, 'test', 'chain', 'ts-strip-loader.mjs')).href;
const stamp = join(root, 'dist', '.e2e-build-stamp');

function newest(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n = Math.max(n, newest(p));
    else if (/\.(ts|mts|mjs|js|json)$/.test(e.name)) n = Math.max(n, statSync(p).mtimeMs);
  }
  return n;
}

/** Build dist/ (the spawned nodes run bin/chain-node from it) unless the e2e build stamp is newer than every source. */
function buildIfNeeded() {
  const sources = Math.max(
    ...['src', 'bin', 'scripts'].map((d) => newest(join(root, d))),
    ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(root, f)).mtimeMs),
  );
  if (existsSync(join(root, 'dist', 'bin', 'cli.js')) && existsSync(stamp) && statSync(stamp).mtimeMs >= sources) {
    console.log('# dist/ is up to date');
    return;
  }
  console.log('# building dist/ (tsc -p tsconfig.build.json)');
  const started = new Date();
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('# build failed');
    process.exit(1);
  }
  // The bundle is what bin/chain-node runs (npm run build makes it too).
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli-bundle.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) {
    console.error('# CLI bundle failed');
    process.exit(1);
  }
  writeFileSync(stamp, started.toISOString());
  utimesSync(stamp, started, started);
}

/** Run one script, echoing its output; resolves its exit status and RELIABILITY figures. */
function runScript(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', `--import=${loader}`, file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const metrics = [];
    let pending = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const m = /^RELIABILITY\s+(\S+)\s+(\S+)(.*)$/.exec(line.trim());
        if (m !== null) metrics.push({ metric: m[1], value: m[2], note: m[3].trim() });
      }
    });
    child.on('close', (code, signal) => resolve({ code, signal, metrics, seconds: (Date.now() - started) / 1000 }));
  });
}

const wanted = process.argv.slice(2);
const all = readdirSync(longDir)
  .filter((f) => f.endsWith('.long.ts'))
  .sort();
const selected = wanted.length === 0 ? all : all.filter((f) => wanted.some((w) => f === w || f === `${w}.long.ts`));
if (selected.length === 0 || (wanted.length > 0 && selected.length !== wanted.length)) {
  console.error(`no such reliability script among: ${all.join(', ')}`);
  process.exit(2);
}
buildIfNeeded();
const results = [];
for (const f of selected) {
  console.log(`\n== reliability ${f} (node ${process.version}) ==`);
  const r = await runScript(join(longDir, f));
  const ok = r.code === 0 && r.metrics.length > 0;
  results.push({ file: f, ok, ...r });
}

const rows = [['script', 'result', 'seconds', 'metric', 'value']];
for (const r of results) {
  const why = r.ok ? 'ok' : r.signal !== null ? `FAILED (${r.signal})` : r.code !== 0 ? `FAILED (exit ${r.code})` : 'FAILED (no RELIABILITY line)';
  if (r.metrics.length === 0) rows.push([r.file, why, r.seconds.toFixed(0), '-', '-']);
  r.metrics.forEach((m, i) => rows.push(i === 0 ? [r.file, why, r.seconds.toFixed(0), m.metric, m.value] : ['', '', '', m.metric, m.value]));
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
console.log('\n== reliability summary ==');
for (const [i, row] of rows.entries()) {
  console.log(
    row
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length === 0 ? 0 : 1);
