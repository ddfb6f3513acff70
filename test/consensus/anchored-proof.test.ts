// Anchored record proofs (SPEC 12): version 2 verifies only against trusted witness keys; without them, and for
// version 1, the result is "unanchored", never valid; every field of a v2 proof is covered by a tamper case.
import t from 'tap';
import { anchorRecordProof, majority, verifyAnchoredProof, type AnchoredRecordProof } from '../../src/consensus/anchored-proof.js';
import { buildRecordProof } from '../../src/consensus/record-proof.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { compactToTarget } from '../../src/consensus/compact.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { leafHash } from '../../src/crypto/merkle.js';
import { formatCheckpoint, logOrigin } from '../../src/log/checkpoint.js';
import { parseNote, parseVerifierKey, randomSeed, signNote, signerFromSeed, formatNote } from '../../src/log/note.js';
import { appendLeaf, inclusionRanges, rangeHashes, type FrontierEntry } from '../../src/log/tree.js';
import { Block } from '../../src/primitives/block.js';
import { BlockHeader, blockHashToHex } from '../../src/primitives/header.js';
import { makeTx, TEST_CHAIN } from '../primitives/support.js';

const BITS = 0x207fffff;
const HEIGHT = 12;
const NETWORK = 'regtest';
const ORIGIN = logOrigin(NETWORK, blockHashToHex(TEST_CHAIN));

function minedBlock(): Block {
  const sk = generateSecretKey();
  const txs = Array.from({ length: 5 }, (_, i) => makeTx(sk, { nonce: i, subject: `doc-${i}` }));
  const meta = { height: HEIGHT, extra: new Uint8Array(0) };
  const draft = new Block(
    BlockHeader.from({ version: 1, prevHash: new Uint8Array(32), merkleRoot: new Uint8Array(32), time: 1_767_225_700, bits: BITS, nonce: 0 }),
    meta,
    txs,
  );
  let header = draft.header.with({ merkleRoot: draft.computeMerkleRoot() });
  while (!checkProofOfWork(header.bytes, compactToTarget(BITS))) header = header.with({ nonce: header.nonce + 1 });
  return new Block(header, meta, txs);
}

const witnesses = ['w1.example', 'w2.example', 'w3.example'].map((n) => signerFromSeed(n, randomSeed()));
const trusted = witnesses.map((w) => parseVerifierKey(w.vkey));

async function anchored(block: Block, size = 20): Promise<AnchoredRecordProof> {
  const stored = new Map<string, Uint8Array>();
  let frontier: FrontierEntry[] = [];
  for (let i = 0; i < size; i++) {
    const leaf = i === HEIGHT ? leafHash(block.header.bytes) : leafHash(Uint8Array.of(i));
    const r = appendLeaf(frontier, leaf, i);
    frontier = r.frontier;
    for (const s of r.stored) stored.set(`${s.level}/${s.index}`, s.hash);
  }
  const read = async (ids: readonly { level: number; index: number }[]): Promise<Uint8Array[]> => ids.map((i) => stored.get(`${i.level}/${i.index}`)!);
  const [root, ...path] = await rangeHashes([[0, size], ...inclusionRanges(HEIGHT, size)], read);
  const checkpoint = signNote(formatCheckpoint({ origin: ORIGIN, size, root: root!, extensions: [] }), witnesses);
  return anchorRecordProof(buildRecordProof(block, 2, { confirmations: 3, network: NETWORK }), { headerPath: path, checkpoint });
}

t.test('a genuine anchored proof verifies with the witnesses, and with nothing less', async (t) => {
  const proof = JSON.parse(JSON.stringify(await anchored(minedBlock()))) as AnchoredRecordProof;
  const r = verifyAnchoredProof(proof, { witnesses: trusted, chainId: TEST_CHAIN });
  t.equal(r.status, 'anchored');
  if (r.status === 'anchored') {
    t.same(r.witnesses, ['w1.example', 'w2.example', 'w3.example']);
    t.equal(r.threshold, 2);
    t.equal(r.height, HEIGHT);
    t.equal(r.checkpointSize, 20);
    t.equal(r.blockTime, 1_767_225_700);
  }
  const one = verifyAnchoredProof(proof, { witnesses: trusted.slice(0, 1), threshold: 2 });
  t.match(one, { status: 'invalid', code: 'PROOF_CHECKPOINT_UNTRUSTED' }, 'one of three keys trusted, threshold 2: fails');
  t.match(verifyAnchoredProof(proof, { witnesses: trusted.slice(0, 2) }), { status: 'anchored' }, 'two of three, majority');
  const none = verifyAnchoredProof(proof);
  t.match(none, { status: 'unanchored' }, 'no trusted keys: unanchored, not valid');
  const stranger = parseVerifierKey(signerFromSeed('stranger.example', randomSeed()).vkey);
  t.match(verifyAnchoredProof(proof, { witnesses: [stranger] }), { status: 'invalid', code: 'PROOF_CHECKPOINT_UNTRUSTED' });
  const v1 = buildRecordProof(minedBlock(), 0, { confirmations: 1, network: NETWORK });
  t.match(verifyAnchoredProof(v1), { status: 'unanchored' }, 'version 1 proofs verify as unanchored');
  t.match(verifyAnchoredProof(v1, { witnesses: trusted }), { status: 'invalid', code: 'PROOF_NOT_ANCHORED' });
  t.equal(majority(1), 1);
  t.equal(majority(4), 3);
  if (none.status === 'unanchored') {
    t.equal(none.work.bits, BITS);
    t.ok(none.work.coreSeconds < 1e-6, 'the regtest header costs nothing to forge, and the result says so');
  }
});

t.test('every field of a v2 proof is covered: changing any fails verification', async (t) => {
  const good = await anchored(minedBlock());
  const flip = (hex: string, at = 10): string => hex.slice(0, at) + (parseInt(hex[at]!, 16) ^ 1).toString(16) + hex.slice(at + 1);
  const note = parseNote(good.checkpoint);
  const cpLines = note.text.split('\n');
  const withText = (text: string): string => formatNote({ text, sigs: note.sigs });
  const cases: Array<[string, Partial<AnchoredRecordProof> & Record<string, unknown>, string]> = [
    ['version', { version: 3 as 2 }, 'PROOF_VERSION'],
    ['tx', { tx: flip(good.tx, 60) }, 'PROOF_TXID_MISMATCH'],
    ['txid', { txid: flip(good.txid) }, 'PROOF_TXID_MISMATCH'],
    ['leafIndex', { leafIndex: 1 }, 'PROOF_BAD_PATH'],
    ['treeSize', { treeSize: 3 }, 'PROOF_BAD_PATH'],
    ['auditPath', { auditPath: [flip(good.auditPath[0]!), ...good.auditPath.slice(1)] }, 'PROOF_BAD_PATH'],
    ['header', { header: flip(good.header, 150) }, 'PROOF_BLOCK_HASH_MISMATCH'],
    ['blockHash', { blockHash: flip(good.blockHash) }, 'PROOF_BLOCK_HASH_MISMATCH'],
    ['height', { height: HEIGHT + 1 }, 'PROOF_HEIGHT_MISMATCH'],
    ['headerIndex', { headerIndex: HEIGHT - 1 }, 'PROOF_HEIGHT_MISMATCH'],
    ['height and headerIndex', { height: HEIGHT + 1, headerIndex: HEIGHT + 1 }, 'PROOF_BAD_HEADER_PATH'],
    ['headerPath truncated', { headerPath: good.headerPath.slice(1) }, 'PROOF_BAD_HEADER_PATH'],
    ['network', { network: 'devnet' }, 'PROOF_WRONG_LOG'],
    ['checkpoint size', { checkpoint: withText([cpLines[0], '21', cpLines[2], ''].join('\n')) }, 'PROOF_BAD_WITNESS_SIGNATURE'],
    ['checkpoint root', { checkpoint: withText([cpLines[0], cpLines[1], Buffer.alloc(32).toString('base64'), ''].join('\n')) }, 'PROOF_BAD_WITNESS_SIGNATURE'],
    ['checkpoint origin', { checkpoint: withText([`${cpLines[0]}x`, cpLines[1], cpLines[2], ''].join('\n')) }, 'PROOF_BAD_WITNESS_SIGNATURE'],
    ['checkpoint gone', { checkpoint: undefined }, 'PROOF_MALFORMED'],
  ];
  good.headerPath.forEach((h, i) => {
    cases.push([`headerPath[${i}]`, { headerPath: good.headerPath.map((x, j) => (j === i ? flip(x) : x)) }, 'PROOF_BAD_HEADER_PATH']);
  });
  note.sigs.forEach((sig, i) => {
    const raw = Buffer.from(sig.base64, 'base64');
    raw[20]! ^= 1;
    const sigs = note.sigs.map((s, j) => (j === i ? { ...s, base64: raw.toString('base64') } : s));
    cases.push([`signature ${i}`, { checkpoint: formatNote({ text: note.text, sigs }) }, 'PROOF_BAD_WITNESS_SIGNATURE']);
  });
  for (const [name, change, code] of cases) {
    const r = verifyAnchoredProof({ ...good, ...change }, { witnesses: trusted, chainId: TEST_CHAIN });
    t.match(r, { status: 'invalid', code }, name);
  }
  // Not a field check but the heart of it: an untampered copy still verifies.
  t.match(verifyAnchoredProof({ ...good }, { witnesses: trusted }), { status: 'anchored' });
});
