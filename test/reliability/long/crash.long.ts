// Crash safety at scale (issue 12): RELIABILITY_KILLS (default 200) `kill -9` at random moments of connects,
// reorgs and index writes, each followed by a reopen, the full consistency check and a key-by-key comparison
// with a replay of the same blocks into a fresh database (test/reliability/crash-replay.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKills } from '../crash-replay.js';

// On SIGTERM/SIGINT, exit normally so that the 'exit' handlers kill the running child.
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => process.exit(1));
const kills = Number(process.env.RELIABILITY_KILLS ?? process.argv[2] ?? 200);
const dir = await mkdtemp(join(tmpdir(), 'chain-crash-long-'));
const started = Date.now();
const r = await runKills({ kills, dir, log: (l) => console.log(`# ${l}`) });
const ok = r.kills === kills && r.inconsistent === 0 && r.sideBlocks > 0 && r.invalidBlocks > 0;
console.log(
  `# ${r.kills} kills in ${((Date.now() - started) / 1000).toFixed(0)} s; final height ${r.height}, ${r.sideBlocks} side blocks, ${r.invalidBlocks} invalid (failed reorgs)`,
);
for (const p of r.problems) console.log(`# FAILED: ${p}`);
console.log(`RELIABILITY kills ${r.kills}`);
console.log(`RELIABILITY kill_inconsistent ${r.inconsistent}`);
console.log(`RELIABILITY kill_fork_in_flight ${r.reorgKills}`);
console.log(`RELIABILITY kill_blocks_replayed ${r.blocksReplayed}`);
console.log(`RELIABILITY kill_keys_compared ${r.keysCompared}`);
if (ok) await rm(dir, { recursive: true, force: true });
else console.log(`# databases and block logs kept in ${dir}`);
process.exitCode = ok ? 0 : 1;
