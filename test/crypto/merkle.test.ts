import t from 'tap';
import {
  consistencyProof,
  consistencyProofFromLeafHashes,
  emptyRoot,
  inclusionProof,
  inclusionProofFromLeafHashes,
  leafHash,
  merkleRoot,
  merkleRootFromLeafHashes,
  nodeHash,
  rootFromInclusion,
  verifyConsistency,
  verifyInclusion,
} from '../../src/crypto/merkle.js';
import { hasCode, type ErrorCode } from '../../src/errors.js';
import { toHex } from '../../src/util/bytes.js';
import {
  flipBit,
  hex,
  loadFixture,
  prng,
  proofFromNodes,
  referenceConsistency,
  referenceLeafHash,
  referenceNodeHash,
  referencePath,
  referenceRoot,
  referenceShape,
} from './support.js';

interface Rfc6962Fixture {
  leaves: string[];
  emptyRoot: string;
  someHash: string;
  roots: string[];
  inclusion: { index: number; size: number; proof: string[] }[];
  consistency: { size1: number; size2: number; proof: string[] }[];
  inclusionNodes: { size: number; index: number; nodes: [number, number][]; rehash?: [number, number] }[];
  consistencyNodes: { size1: number; size2: number; nodes: [number, number][]; rehash?: [number, number] }[];
}

const F = loadFixture<Rfc6962Fixture>('rfc6962-reference.json');
const LEAVES = F.leaves.map(hex);
const LEAF_HASHES = LEAVES.map(leafHash);
const ROOT = (size: number): Uint8Array => hex(F.roots[size - 1]!);
const EMPTY = hex(F.emptyRoot);
const SOME = hex(F.someHash);
const hexes = (xs: readonly Uint8Array[]): string[] => xs.map(toHex);

t.test('hashing primitives match an independent RFC 6962 hasher', async (t) => {
  for (const leaf of LEAVES) t.same(leafHash(leaf), referenceLeafHash(leaf));
  t.same(nodeHash(LEAF_HASHES[0]!, LEAF_HASHES[1]!), referenceNodeHash(LEAF_HASHES[0]!, LEAF_HASHES[1]!));
  // The single-leaf tree's root is the leaf hash of "" (published as root of size 1).
  t.equal(toHex(leafHash(new Uint8Array(0))), F.roots[0]);
});

t.test('empty tree root is SHA-256 of nothing', async (t) => {
  t.same(emptyRoot(), EMPTY);
  t.same(merkleRoot([]), EMPTY);
  t.same(merkleRootFromLeafHashes([]), EMPTY);
});

t.test('published roots for every size 1..8', async (t) => {
  for (let size = 1; size <= 8; size++) {
    t.equal(toHex(merkleRoot(LEAVES.slice(0, size))), F.roots[size - 1], `merkleRoot size ${size}`);
    t.equal(toHex(merkleRootFromLeafHashes(LEAF_HASHES.slice(0, size))), F.roots[size - 1], `from hashes ${size}`);
  }
});

t.test('published inclusion proofs are produced and verified', async (t) => {
  for (const v of F.inclusion) {
    const leaves = LEAVES.slice(0, v.size);
    const proof = v.proof.map(hex);
    const root = ROOT(v.size);
    const lh = LEAF_HASHES[v.index]!;
    t.same(hexes(inclusionProof(leaves, v.index)), v.proof, `inclusionProof(${v.index}, ${v.size})`);
    t.same(hexes(inclusionProofFromLeafHashes(LEAF_HASHES.slice(0, v.size), v.index)), v.proof);
    t.same(rootFromInclusion(lh, v.index, v.size, proof), root);
    t.ok(verifyInclusion(lh, v.index, v.size, proof, root), `verifyInclusion(${v.index}, ${v.size})`);
    for (const p of corruptInclusion(v.index, v.size, proof, root, lh)) {
      t.notOk(verifyInclusion(p.leaf, p.index, p.size, p.proof, p.root), `rejects ${p.desc} (${v.index}, ${v.size})`);
    }
  }
});

// Probes ported from transparency-dev/merkle proof/verify_test.go corruptInclusionProof.
function corruptInclusion(index: number, size: number, proof: Uint8Array[], root: Uint8Array, leaf: Uint8Array) {
  const probes = [
    { index: index - 1, size, root, leaf, proof, desc: 'index - 1' },
    { index: index + 1, size, root, leaf, proof, desc: 'index + 1' },
    { index: index ^ 2, size, root, leaf, proof, desc: 'index ^ 2' },
    { index, size: size * 2, root, leaf, proof, desc: 'size * 2' },
    { index, size: Math.floor(size / 2), root, leaf, proof, desc: 'size / 2' },
    { index, size, root, leaf: new TextEncoder().encode('WrongLeaf'), proof, desc: 'wrong leaf' },
    { index, size, root: EMPTY, leaf, proof, desc: 'empty root' },
    { index, size, root: SOME, leaf, proof, desc: 'random root' },
    { index, size, root, leaf, proof: [...proof, new Uint8Array(0)], desc: 'trailing garbage' },
    { index, size, root, leaf, proof: [...proof, root], desc: 'trailing root' },
    { index, size, root, leaf, proof: [new Uint8Array(0), ...proof], desc: 'preceding garbage' },
    { index, size, root, leaf, proof: [root, ...proof], desc: 'preceding root' },
  ];
  proof.forEach((_, i) => {
    const wrong = proof.slice();
    wrong[i] = Uint8Array.from(wrong[i]!);
    wrong[i]![0]! ^= 8;
    probes.push({ index, size, root, leaf, proof: wrong, desc: `modified proof[${i}] bit 3` });
  });
  if (proof.length > 0) probes.push({ index, size, root, leaf, proof: proof.slice(0, -1), desc: 'removed component' });
  if (proof.length > 1) {
    probes.push({ index, size, root, leaf, proof: [proof[0]!, SOME, ...proof.slice(1)], desc: 'inserted component' });
  }
  return probes;
}

t.test('inclusion edge probes (verify_test.go TestVerifyInclusion, SingleEntry)', async (t) => {
  for (const [index, size] of [
    [0, 0],
    [0, 1],
    [1, 0],
    [2, 1],
  ] as const) {
    t.notOk(verifyInclusion(SOME, index, size, [], new Uint8Array(0)));
    t.notOk(verifyInclusion(new Uint8Array(0), index, size, [], EMPTY));
    t.notOk(verifyInclusion(SOME, index, size, [], EMPTY));
  }
  const h = leafHash(new TextEncoder().encode('data'));
  t.ok(verifyInclusion(h, 0, 1, [], h));
  t.notOk(verifyInclusion(new Uint8Array(0), 0, 1, [], h));
  t.notOk(verifyInclusion(h, 0, 1, [], new Uint8Array(0)));
  t.notOk(verifyInclusion(new Uint8Array(0), 0, 1, [], new Uint8Array(0)));
});

t.test('malformed inclusion input returns false/null, never throws', async (t) => {
  const lh = LEAF_HASHES[0]!;
  const proof = inclusionProof(LEAVES, 0);
  const root = ROOT(8);
  for (const [index, size] of [
    [-1, 8],
    [0.5, 8],
    [Number.NaN, 8],
    [0, Number.POSITIVE_INFINITY],
    [8, 8],
    [2 ** 53, 2 ** 53 + 2],
  ]) {
    t.notOk(verifyInclusion(lh, index!, size!, proof, root), `index ${index} size ${size}`);
    t.equal(rootFromInclusion(lh, index!, size!, proof), null);
  }
  t.notOk(verifyInclusion(lh, 0, 8, [...proof.slice(0, 2), proof[2]!.subarray(1)], root), 'short proof element');
  t.notOk(verifyInclusion(lh, 0, 8, proof, root.subarray(0, 31)), 'short root');
  t.notOk(verifyInclusion(lh, 0, 8, 'nope' as unknown as Uint8Array[], root), 'proof not an array');
  t.notOk(verifyInclusion(lh, 0, 8, [null as unknown as Uint8Array, ...proof.slice(1)], root), 'null element');
});

t.test('published consistency proofs are produced and verified', async (t) => {
  for (const v of F.consistency) {
    const proof = v.proof.map(hex);
    const r1 = ROOT(v.size1);
    const r2 = ROOT(v.size2);
    t.same(hexes(consistencyProof(LEAVES.slice(0, v.size2), v.size1)), v.proof, `proof ${v.size1}->${v.size2}`);
    t.same(hexes(consistencyProofFromLeafHashes(LEAF_HASHES.slice(0, v.size2), v.size1)), v.proof);
    t.ok(verifyConsistency(v.size1, v.size2, r1, r2, proof), `verify ${v.size1}->${v.size2}`);
    if (proof.length === 0) continue;
    for (const p of corruptConsistency(v.size1, v.size2, r1, r2, proof)) {
      t.notOk(verifyConsistency(p.size1, p.size2, p.r1, p.r2, p.proof), `rejects ${p.desc} (${v.size1}->${v.size2})`);
    }
  }
});

// Probes ported from transparency-dev/merkle proof/verify_test.go corruptConsistencyProof.
function corruptConsistency(size1: number, size2: number, r1: Uint8Array, r2: Uint8Array, proof: Uint8Array[]) {
  const wrongRoot = new TextEncoder().encode('WrongRoot');
  const probes = [
    { size1: size1 - 1, size2, r1, r2, proof, desc: 'size1 - 1' },
    { size1: size1 + 1, size2, r1, r2, proof, desc: 'size1 + 1' },
    { size1: size1 ^ 2, size2, r1, r2, proof, desc: 'size1 ^ 2' },
    { size1, size2: size2 * 2, r1, r2, proof, desc: 'size2 * 2' },
    { size1, size2: Math.floor(size2 / 2), r1, r2, proof, desc: 'size2 / 2' },
    { size1, size2, r1: wrongRoot, r2, proof, desc: 'wrong root1' },
    { size1, size2, r1, r2: wrongRoot, proof, desc: 'wrong root2' },
    { size1, size2, r1: r2, r2: r1, proof, desc: 'swapped roots' },
    { size1, size2, r1, r2, proof: [], desc: 'empty proof' },
    { size1, size2, r1, r2, proof: [...proof, new Uint8Array(0)], desc: 'trailing garbage' },
    { size1, size2, r1, r2, proof: [...proof, r1], desc: 'trailing root1' },
    { size1, size2, r1, r2, proof: [...proof, r2], desc: 'trailing root2' },
    { size1, size2, r1, r2, proof: [new Uint8Array(0), ...proof], desc: 'preceding garbage' },
    { size1, size2, r1, r2, proof: [r1, ...proof], desc: 'preceding root1' },
    { size1, size2, r1, r2, proof: [r2, ...proof], desc: 'preceding root2' },
    { size1, size2, r1, r2, proof: [proof[0]!, ...proof], desc: 'preceding proof[0]' },
    { size1, size2, r1, r2, proof: proof.slice(0, -1), desc: 'truncated proof' },
  ];
  proof.forEach((_, i) => {
    const wrong = proof.slice();
    wrong[i] = Uint8Array.from(wrong[i]!);
    wrong[i]![0]! ^= 16;
    probes.push({ size1, size2, r1, r2, proof: wrong, desc: `modified proof[${i}] bit 4` });
  });
  return probes;
}

t.test('consistency edge cases (verify_test.go TestVerifyConsistency, adapted to 32-byte roots)', async (t) => {
  const r1 = flipBit(SOME, 0);
  const r2 = flipBit(SOME, 1);
  const cases: [number, number, Uint8Array, Uint8Array, Uint8Array[], boolean][] = [
    [0, 0, r1, r2, [], false],
    [1, 1, r1, r2, [], false],
    [0, 0, r1, r1, [], true],
    [0, 1, r1, r2, [], true],
    [1, 1, r2, r2, [], true],
    [1, 0, r1, r2, [], false],
    [2, 1, r1, r2, [], false],
    [1, 2, r1, r2, [], false],
    [0, 0, EMPTY, r2, [], false],
    [1, 1, EMPTY, r2, [], false],
    [0, 0, EMPTY, EMPTY, [EMPTY], false],
    [0, 1, EMPTY, EMPTY, [EMPTY], false],
    [1, 1, EMPTY, EMPTY, [EMPTY], false],
    [-1, 1, EMPTY, EMPTY, [], false],
    [0.5, 1, EMPTY, EMPTY, [], false],
    [1, 1, EMPTY.subarray(1), EMPTY.subarray(1), [], false],
  ];
  for (const [s1, s2, a, b, proof, want] of cases) {
    t.equal(verifyConsistency(s1, s2, a, b, proof), want, `${s1}->${s2} want ${want}`);
  }
});

t.test('proof structure matches transparency-dev proof_test.go node ids', async (t) => {
  // Any leaf data works: the published vectors fix which subtree nodes a proof contains, in which order.
  const hashes = Array.from({ length: 95 }, (_, i) => leafHash(Uint8Array.of(i, 0xa5)));
  for (const v of F.inclusionNodes) {
    const want = proofFromNodes(hashes, v.nodes, v.rehash);
    t.same(hexes(inclusionProofFromLeafHashes(hashes.slice(0, v.size), v.index)), hexes(want), `inclusion ${v.size}:${v.index}`);
  }
  for (const v of F.consistencyNodes) {
    const want = proofFromNodes(hashes, v.nodes, v.rehash);
    const got = consistencyProofFromLeafHashes(hashes.slice(0, v.size2), v.size1);
    t.same(hexes(got), hexes(want), `consistency ${v.size1}:${v.size2}`);
    t.ok(verifyConsistency(v.size1, v.size2, referenceRoot(hashes.slice(0, v.size1)), referenceRoot(hashes.slice(0, v.size2)), got));
  }
});

t.test('every inclusion proof for sizes 1..70 verifies; every single-bit tamper fails', async (t) => {
  const rnd = prng(6962);
  const all = Array.from({ length: 70 }, (_, i) => Uint8Array.from({ length: 1 + (i % 9) }, (_, j) => (i * 31 + j) & 0xff));
  const allHashes = all.map(leafHash);
  let checked = 0;
  let failures = 0;
  const fail = (msg: string): void => {
    failures++;
    if (failures <= 20) t.fail(msg);
  };
  for (let size = 1; size <= 70; size++) {
    const hashes = allHashes.slice(0, size);
    const root = merkleRoot(all.slice(0, size));
    if (!bytesEq(root, referenceRoot(hashes))) fail(`root of size ${size} differs from the reference`);
    for (let index = 0; index < size; index++) {
      const proof = inclusionProof(all.slice(0, size), index);
      const ref = referencePath(index, hashes);
      if (hexes(proof).join() !== hexes(ref.proof).join()) fail(`proof ${index}/${size} differs from the reference`);
      const leaf = hashes[index]!;
      if (!verifyInclusion(leaf, index, size, proof, root)) fail(`valid proof ${index}/${size} rejected`);
      if (verifyInclusion(flipBit(leaf, Math.floor(rnd() * 256)), index, size, proof, root)) fail(`leaf tamper ${index}/${size}`);
      if (verifyInclusion(leaf, index, size, proof, flipBit(root, Math.floor(rnd() * 256)))) fail(`root tamper ${index}/${size}`);
      for (let i = 0; i < proof.length; i++) {
        const bad = proof.slice();
        bad[i] = flipBit(bad[i]!, Math.floor(rnd() * 256));
        if (verifyInclusion(leaf, index, size, bad, root)) fail(`proof[${i}] tamper ${index}/${size}`);
      }
      for (let b = 0; b < 8; b++) {
        if (verifyInclusion(leaf, index ^ (1 << b), size, proof, root)) fail(`index bit ${b} ${index}/${size}`);
        // The root does not commit to the size (RFC 6962): another size folds the same way exactly when the
        // leaf's path has the same shape there, so the verifier must accept precisely in that case.
        const size2 = size ^ (1 << b);
        const same = referenceShape(index, size2) === referenceShape(index, size);
        if (verifyInclusion(leaf, index, size2, proof, root) !== same) fail(`size bit ${b} ${index}/${size} -> ${size2}`);
      }
      checked++;
    }
  }
  t.equal(failures, 0, `${checked} proofs checked`);
  t.equal(checked, (70 * 71) / 2);
});

t.test('every consistency proof for sizes 1..40 verifies; tampering fails', async (t) => {
  const rnd = prng(9162);
  const hashes = Array.from({ length: 40 }, (_, i) => leafHash(Uint8Array.of(i, i >> 1)));
  let failures = 0;
  const fail = (msg: string): void => {
    failures++;
    if (failures <= 20) t.fail(msg);
  };
  for (let n = 1; n <= 40; n++) {
    const r2 = merkleRootFromLeafHashes(hashes.slice(0, n));
    for (let m = 0; m <= n; m++) {
      const r1 = merkleRootFromLeafHashes(hashes.slice(0, m));
      const proof = consistencyProofFromLeafHashes(hashes.slice(0, n), m);
      if (hexes(proof).join() !== hexes(referenceConsistency(m, hashes.slice(0, n))).join()) fail(`proof ${m}->${n}`);
      if (!verifyConsistency(m, n, r1, r2, proof)) fail(`valid ${m}->${n} rejected`);
      if (m === 0 || m === n) continue;
      if (verifyConsistency(m, n, flipBit(r1, Math.floor(rnd() * 256)), r2, proof)) fail(`root1 tamper ${m}->${n}`);
      if (verifyConsistency(m, n, r1, flipBit(r2, Math.floor(rnd() * 256)), proof)) fail(`root2 tamper ${m}->${n}`);
      for (let i = 0; i < proof.length; i++) {
        const bad = proof.slice();
        bad[i] = flipBit(bad[i]!, Math.floor(rnd() * 256));
        if (verifyConsistency(m, n, r1, r2, bad)) fail(`proof[${i}] tamper ${m}->${n}`);
      }
      if (verifyConsistency(m, n, r1, r2, proof.slice(0, -1))) fail(`truncated ${m}->${n}`);
      if (verifyConsistency(m, n, r1, r2, [...proof, r2])) fail(`extended ${m}->${n}`);
    }
  }
  t.equal(failures, 0);
});

t.test('10,000 leaves: linear root matches the recursive definition', async (t) => {
  const leaves = Array.from({ length: 10_000 }, (_, i) => new TextEncoder().encode(`tx-${i}`));
  const start = performance.now();
  const root = merkleRoot(leaves);
  const ms = performance.now() - start;
  t.same(root, referenceRoot(leaves.map(referenceLeafHash)));
  t.ok(ms < 1000, `took ${ms.toFixed(1)} ms`);
  // Rolling leaf 0 (the miner's `extra`) only needs leaf 0's path folded again.
  const path = inclusionProof(leaves, 0);
  const rolled = [new TextEncoder().encode('meta-2'), ...leaves.slice(1)];
  t.same(rootFromInclusion(leafHash(rolled[0]!), 0, rolled.length, path), merkleRoot(rolled));
});

t.test('errors carry stable codes', async (t) => {
  const check = (fn: () => unknown, code: ErrorCode): void => {
    t.throws(fn, { code }, code);
    try {
      fn();
    } catch (err) {
      t.ok(hasCode(err, code));
    }
  };
  check(() => inclusionProof(LEAVES, 8), 'MERKLE_INDEX_OUT_OF_RANGE');
  check(() => inclusionProof(LEAVES, -1), 'MERKLE_INDEX_OUT_OF_RANGE');
  check(() => inclusionProof([], 0), 'MERKLE_INDEX_OUT_OF_RANGE');
  check(() => inclusionProofFromLeafHashes(LEAF_HASHES, 1.5), 'MERKLE_INDEX_OUT_OF_RANGE');
  check(() => merkleRootFromLeafHashes([LEAF_HASHES[0]!, new Uint8Array(31)]), 'MERKLE_BAD_HASH');
  check(() => consistencyProof(LEAVES, 9), 'MERKLE_BAD_SIZE');
  check(() => consistencyProof(LEAVES, -1), 'MERKLE_BAD_SIZE');
});

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  return toHex(a) === toHex(b);
}
