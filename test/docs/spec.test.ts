// docs/spec.md is the protocol specification shipped in the repository: the README links it, and its tables
// (network parameters, storage prefixes, sync limits) are checked here against the code they describe.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { getNetwork } from '../../src/consensus/networks.js';
import { Prefix } from '../../src/store/layout.js';
import { MAX_BLOCKS_PER_REQUEST, MAX_BLOCKS_RESPONSE_BYTES, MAX_HEADERS, MAX_LOCATOR } from '../../src/sync/messages.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const spec = readFileSync(join(ROOT, 'docs', 'spec.md'), 'utf8');

t.test('the README links docs/spec.md, not a file outside the repository', async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  t.match(readme, '](docs/spec.md)');
  t.notMatch(readme, /\.\.\/shared\/SPEC\.md/);
});

t.test('network table matches src/consensus/networks.ts', async (t) => {
  for (const name of ['devnet', 'main', 'regtest']) {
    const n = getNetwork(name);
    const row = spec.split('\n').find((l) => l.startsWith(`| \`${name}\``));
    t.ok(row, `${name} has a row`);
    const cells = row!.split('|').map((c) => c.trim());
    t.equal(cells[2], `${n.targetSpacing} s`, `${name} spacing`);
    t.equal(cells[3], `${n.halfLife} s`, `${name} half-life`);
    t.equal(cells[4], `\`0x${n.powLimitBits.toString(16)}\``, `${name} powLimit`);
    t.equal(cells[5], String(n.genesis.time), `${name} genesis time`);
    t.equal(cells[6], `${n.ports.api} / ${n.ports.p2p}`, `${name} ports`);
    t.equal(n.maxBlockBytes, 4 * 1024 * 1024);
    t.equal(n.maxTxBytes, 64 * 1024);
    t.equal(n.maxFutureDrift, 7200);
  }
  t.match(spec, '`maxBlockBytes` 4 MiB, `maxTxBytes` 64 KiB, `maxFutureDrift` 7200 s');
});

t.test('storage prefixes and sync limits match the code', async (t) => {
  const documented = [...spec.matchAll(/^\| `0x([0-9a-f]{2})` \|/gm)].map((m) => Number.parseInt(m[1]!, 16));
  t.same(
    [...new Set(documented)].sort((a, b) => a - b),
    [...new Set(Object.values(Prefix))].sort((a, b) => a - b),
    'every prefix documented, none extra',
  );
  t.match(spec, `at most ${MAX_HEADERS.toLocaleString('en')} headers per response, ${MAX_LOCATOR} locator hashes, ${MAX_BLOCKS_PER_REQUEST}`);
  t.match(spec, `${MAX_BLOCKS_RESPONSE_BYTES / 1024 / 1024} MiB of blocks per response`);
});
