// A script outside the repository imports the package by name (as `npm install chain-node` users do) and gets
// the mining backends from the main export (issue 17, item 9).
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, ROOT, tempDir } from '../e2e/support.js';

ensureBuilt();

t.test("import { loadBackend, availableBackends } from 'chain-node' works and finds a nonce", async (t) => {
  const dir = tempDir(t, 'chain-node-consumer-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'chain-node'));
  writeFileSync(
    join(dir, 'use.mjs'),
    `import { availableBackends, loadBackend, BACKEND_NAMES, sha256d } from 'chain-node';
const names = await availableBackends();
const backend = await loadBackend('auto', { threads: 1 });
// An easy target, 2^252 (1 in 16 nonces), for an 80-byte header of zeros; the hit is checked with sha256d.
const header = new Uint8Array(80);
const target = 2n ** 252n;
const r = await backend.search(header, target, 0, 100000);
await backend.close?.();
new DataView(header.buffer).setUint32(76, r.nonce, true);
const hash = sha256d(header);
let value = 0n;
for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(hash[i]);
console.log(JSON.stringify({ names, all: BACKEND_NAMES, chosen: backend.name, nonce: r.nonce, meets: value <= target }));
`,
  );
  const r = spawnSync(process.execPath, ['use.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  t.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { names: string[]; all: string[]; chosen: string; nonce: number | null; meets: boolean };
  t.same(out.all, ['cuda', 'native-cpu', 'wasm']);
  t.ok(out.names.includes('native-cpu'), `native-cpu is available (the addon is built): ${out.names.join(', ')}`);
  t.ok(out.names.includes('wasm'));
  t.equal(out.chosen, out.names[0], 'auto picks the fastest available');
  t.type(out.nonce, 'number', 'the search finds a nonce for an easy target');
  t.equal(out.meets, true, 'its hash (sha256d from the same import) meets the target');
});
