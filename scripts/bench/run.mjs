#!/usr/bin/env node
// Benchmark runner: `npm run bench -- <name> [<name> ...]` runs dist/scripts/bench/<name>.js's run().
// `npm run bench` builds first, so the figures always come from the current source.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'dist', 'scripts', 'bench');
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.slice(0, -3))
  .sort();
// Options (`--name value`) are for the benchmarks themselves (they read process.argv); the rest are names.
const names = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(i > 0 && all[i - 1].startsWith('--') && all[i - 1] !== '--help'));
if (names.length === 0 || names.includes('--help')) {
  console.log(`usage: npm run bench -- <name> [...]\navailable: ${available.join(', ')} (or 'all')`);
  process.exit(names.length === 0 ? 1 : 0);
}
const selected = names.includes('all') ? available : names;
for (const name of selected) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark '${name}'; available: ${available.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== bench ${name} (node ${process.version}) ==`);
  const mod = await import(join(dir, `${name}.js`));
  await mod.run();
}
