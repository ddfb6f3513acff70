// Cross-check against an independent implementation: golang.org/x/mod/sumdb/note (note.Open) and
// golang.org/x/mod/sumdb/tlog (CheckRecord, CheckTree, TreeHash) from Debian's golang-golang-x-mod-dev, driven by
// test/log/go-checker/main.go. Needs `go` and that package (CI installs both, see .ci/run): fails without them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { leafHash, merkleRootFromLeafHashes, verifyConsistency, verifyInclusion } from '../../src/crypto/merkle.js';
import { sha256 } from '../../src/crypto/hash.js';
import { formatCheckpoint, logOrigin } from '../../src/log/checkpoint.js';
import { randomSeed, signNote, signerFromSeed } from '../../src/log/note.js';
import { appendLeaf, consistencyRanges, inclusionRanges, rangeHashes, type FrontierEntry, type StoredIndex } from '../../src/log/tree.js';

const CHECKER_DIR = fileURLToPath(new URL('./go-checker/', import.meta.url));
const GOPATH = '/usr/share/gocode';

function buildChecker(dir: string): string {
  const out = join(dir, 'c2sp-check');
  execFileSync('go', ['build', '-o', out, '.'], {
    cwd: CHECKER_DIR,
    env: { ...process.env, GOPATH, GO111MODULE: 'off', GOCACHE: join(dir, 'cache'), GOFLAGS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out;
}

interface GoResult {
  kind: string;
  index: number;
  ok: boolean;
  error?: string;
  text?: string;
  verified?: string[];
  roots?: string[];
}

function runChecker(bin: string, req: unknown): GoResult[] {
  const r = spawnSync(bin, [], { input: JSON.stringify(req), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`checker failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as GoResult[];
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/** An in-memory stored-hash tree built with src/log/tree.ts, as the header log stores it. */
function buildTree(leaves: Uint8Array[]): { read: (ids: readonly StoredIndex[]) => Promise<Uint8Array[]> } {
  const stored = new Map<string, Uint8Array>();
  let frontier: FrontierEntry[] = [];
  leaves.forEach((leaf, n) => {
    const r = appendLeaf(frontier, leaf, n);
    frontier = r.frontier;
    for (const s of r.stored) stored.set(`${s.level}/${s.index}`, s.hash);
  });
  return { read: async (ids) => ids.map((i) => stored.get(`${i.level}/${i.index}`)!) };
}

t.test('Go sumdb/note and sumdb/tlog accept our checkpoints and proofs', async (t) => {
  const probe = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    t.fail('`go` is not installed: apt-get install -y golang-go golang-golang-x-mod-dev (see .ci/run)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'c2sp-check-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bin = buildChecker(dir);

  // Leaves: leaf hashes of fake 80-byte headers; 70 leaves exercise every shape up to 2^6.
  const N = 70;
  const leaves = Array.from({ length: N }, (_, i) => leafHash(sha256(Uint8Array.of(i, i >> 8))));
  const tree = buildTree(leaves);
  const roots: Uint8Array[] = [];
  for (let n = 1; n <= N; n++) roots.push((await rangeHashes([[0, n]], tree.read))[0]!);

  const inclusion: unknown[] = [];
  const consistency: unknown[] = [];
  const expectInclusion: boolean[] = [];
  const expectConsistency: boolean[] = [];
  for (const size of [1, 2, 3, 5, 8, 13, 31, 32, 33, 64, 69, 70]) {
    for (const index of [0, 1, size >> 1, size - 2, size - 1].filter((i) => i >= 0 && i < size)) {
      const proof = await rangeHashes(inclusionRanges(index, size), tree.read);
      t.ok(verifyInclusion(leaves[index]!, index, size, proof, roots[size - 1]!), `own check: leaf ${index} in ${size}`);
      inclusion.push({ size, root: b64(roots[size - 1]!), index, leaf: b64(leaves[index]!), proof: proof.map(b64) });
      expectInclusion.push(true);
    }
    for (const old of [1, 2, 3, size >> 1, size - 1].filter((m) => m >= 1 && m < size)) {
      const proof = await rangeHashes(consistencyRanges(old, size), tree.read);
      t.ok(verifyConsistency(old, size, roots[old - 1]!, roots[size - 1]!, proof), `own check: ${old} -> ${size}`);
      consistency.push({ oldSize: old, oldRoot: b64(roots[old - 1]!), size, root: b64(roots[size - 1]!), proof: proof.map(b64) });
      expectConsistency.push(true);
    }
  }
  // Negative controls: Go must refuse a tampered inclusion proof and a consistency proof against the wrong root.
  const goodIncl = inclusion[20] as { proof: string[] };
  inclusion.push({ ...goodIncl, proof: [b64(new Uint8Array(32)), ...goodIncl.proof.slice(1)] });
  expectInclusion.push(false);
  const goodCons = consistency[10] as { oldRoot: string };
  consistency.push({ ...goodCons, oldRoot: b64(roots[0]!) === goodCons.oldRoot ? b64(roots[1]!) : b64(roots[0]!) });
  expectConsistency.push(false);

  // Checkpoints signed by three witnesses, opened by Go with two of the keys.
  const signers = ['w1.example', 'w2.example', 'w3.example'].map((name) => signerFromSeed(name, randomSeed()));
  const origin = logOrigin('devnet', 'ab'.repeat(32));
  const notes = [5, 32, 70].map((size) => {
    const text = formatCheckpoint({ origin, size, root: roots[size - 1]!, extensions: [] });
    return { msg: signNote(text, signers), vkeys: [signers[0]!.vkey, signers[2]!.vkey], text };
  });
  const tampered = notes[0]!.msg.replace('\n5\n', '\n6\n');

  const results = runChecker(bin, {
    notes: [...notes.map(({ msg, vkeys }) => ({ msg, vkeys })), { msg: tampered, vkeys: notes[0]!.vkeys }],
    inclusion,
    consistency,
    leaves: leaves.map(b64),
  });
  const byKind = (k: string): GoResult[] => results.filter((r) => r.kind === k);
  const noteResults = byKind('note');
  notes.forEach((n, i) => {
    t.ok(noteResults[i]!.ok, `note.Open accepts checkpoint ${i}: ${noteResults[i]!.error ?? ''}`);
    t.equal(noteResults[i]!.text, n.text);
    t.same(noteResults[i]!.verified, ['w1.example', 'w3.example']);
  });
  t.notOk(noteResults[3]!.ok, 'note.Open refuses a tampered checkpoint');
  byKind('inclusion').forEach((r, i) => t.equal(r.ok, expectInclusion[i], `tlog.CheckRecord #${i} ${r.error ?? ''}`));
  byKind('consistency').forEach((r, i) => t.equal(r.ok, expectConsistency[i], `tlog.CheckTree #${i} ${r.error ?? ''}`));
  const goRoots = byKind('roots')[0]!.roots!;
  t.equal(goRoots.length, N);
  goRoots.forEach((r, i) => t.equal(r, b64(roots[i]!), `tlog.TreeHash(${i + 1}) equals ours`));
  t.equal(b64(merkleRootFromLeafHashes(leaves)), goRoots[N - 1], 'and equals crypto/merkle root');
});
