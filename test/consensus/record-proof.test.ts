import t from 'tap';
import { buildRecordProof, verifyRecordProof, assertRecordProof } from '../../src/consensus/record-proof.js';
import { Block } from '../../src/primitives/block.js';
import { BlockHeader } from '../../src/primitives/header.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { compactToTarget } from '../../src/consensus/compact.js';
import { makeTx, TEST_CHAIN } from '../primitives/support.js';

const BITS = 0x207fffff;
function minedBlock(n: number): Block {
  const sk = generateSecretKey();
  const txs = Array.from({ length: n }, (_, i) => makeTx(sk, { nonce: i, subject: `doc-${i}` }));
  const meta = { height: 12, extra: new Uint8Array(0) };
  const draft = new Block(
    BlockHeader.from({ version: 1, prevHash: new Uint8Array(32), merkleRoot: new Uint8Array(32), time: 1_767_225_700, bits: BITS, nonce: 0 }),
    meta,
    txs,
  );
  let header = draft.header.with({ merkleRoot: draft.computeMerkleRoot() });
  while (!checkProofOfWork(header.bytes, compactToTarget(BITS))) header = header.with({ nonce: header.nonce + 1 });
  return new Block(header, meta, txs);
}

t.test('every transaction of a block gets a proof that verifies offline', async (t) => {
  const b = minedBlock(9);
  for (let i = 0; i < b.txs.length; i++) {
    const p = buildRecordProof(b, i, { confirmations: 3, network: 'regtest' });
    const json = JSON.parse(JSON.stringify(p));
    const r = verifyRecordProof(json, { chainId: TEST_CHAIN });
    t.ok(r.valid, `tx ${i} verifies`);
    if (r.valid) {
      t.equal(r.txid, b.txs[i]!.txidHex);
      t.equal(r.blockHash, b.header.hashHex);
      t.equal(r.subject, `doc-${i}`);
      t.equal(r.blockTime, 1_767_225_700);
    }
  }
  t.throws(() => buildRecordProof(b, 9, { confirmations: 1 }), { code: 'PROOF_TX_INDEX' });
});

t.test('tampered proofs fail with a code', async (t) => {
  const b = minedBlock(4);
  const good = buildRecordProof(b, 2, { confirmations: 1 });
  const flip = (hex: string, at: number): string => hex.slice(0, at) + (parseInt(hex[at]!, 16) ^ 1).toString(16) + hex.slice(at + 1);
  const other = minedBlock(3);
  const cases: [string, object, string][] = [
    ['not an object', null as unknown as object, 'PROOF_MALFORMED'],
    ['wrong version', { ...good, version: 2 }, 'PROOF_VERSION'],
    ['tx truncated', { ...good, tx: good.tx.slice(0, -2) }, 'PROOF_BAD_TX'],
    ['tx byte flipped', { ...good, tx: flip(good.tx, 40) }, 'PROOF_TXID_MISMATCH'],
    ['txid flipped', { ...good, txid: flip(good.txid, 0) }, 'PROOF_TXID_MISMATCH'],
    ['leaf index wrong', { ...good, leafIndex: 1 }, 'PROOF_BAD_PATH'],
    ['leaf index meta', { ...good, leafIndex: 0 }, 'PROOF_BAD_INDEX'],
    ['path element flipped', { ...good, auditPath: [flip(good.auditPath[0]!, 5), ...good.auditPath.slice(1)] }, 'PROOF_BAD_PATH'],
    ['path truncated', { ...good, auditPath: good.auditPath.slice(1) }, 'PROOF_BAD_PATH'],
    [
      'header of another block',
      { ...good, header: buildRecordProof(other, 0, { confirmations: 1 }).header, blockHash: other.header.hashHex },
      'PROOF_BAD_PATH',
    ],
    ['block hash mismatch', { ...good, blockHash: other.header.hashHex }, 'PROOF_BLOCK_HASH_MISMATCH'],
    ['header bad hex', { ...good, header: 'zz' }, 'PROOF_MALFORMED'],
    ['header too short', { ...good, header: good.header.slice(2) }, 'PROOF_BAD_HEADER'],
    ['height missing', { ...good, height: undefined }, 'PROOF_MALFORMED'],
  ];
  for (const [name, p, code] of cases) {
    const r = verifyRecordProof(p);
    t.equal(r.valid, false, name);
    if (!r.valid) t.equal(r.code, code, name);
  }
  t.equal(verifyRecordProof(good, { chainId: new Uint8Array(32) }).valid, false, 'wrong chain');
  t.throws(() => assertRecordProof({ ...good, txid: '00' }), { code: 'PROOF_TXID_MISMATCH' });
});

t.test('a header without proof of work fails PROOF_BAD_POW', async (t) => {
  const b = minedBlock(2);
  // Hard bits make the same header fail its own target; recompute nothing else so only PoW is wrong.
  let header = b.header.with({ bits: 0x1d00ffff });
  const p = buildRecordProof(new Block(header, b.meta, b.txs), 0, { confirmations: 1 });
  const r = verifyRecordProof(p);
  t.equal(r.valid, false);
  if (!r.valid) t.equal(r.code, 'PROOF_BAD_POW');
  header = b.header;
  const tight = verifyRecordProof(buildRecordProof(new Block(header, b.meta, b.txs), 0, { confirmations: 1 }), { powLimit: compactToTarget(0x1d00ffff) });
  t.equal(tight.valid, false, 'powLimit option rejects an easy header');
});

t.test('a forged signature fails PROOF_BAD_SIGNATURE even with a valid path', async (t) => {
  const sk = generateSecretKey();
  const tx = makeTx(sk);
  const forged = (await import('../../src/primitives/transaction.js')).Transaction.fromFields({
    ...tx.fields,
    sig: Uint8Array.from(tx.fields.sig).fill(1, 0, 32),
  });
  const meta = { height: 1, extra: new Uint8Array(0) };
  const draft = new Block(BlockHeader.from({ version: 1, prevHash: new Uint8Array(32), merkleRoot: new Uint8Array(32), time: 5, bits: BITS, nonce: 0 }), meta, [
    forged,
  ]);
  let header = draft.header.with({ merkleRoot: draft.computeMerkleRoot() });
  while (!checkProofOfWork(header.bytes, compactToTarget(BITS))) header = header.with({ nonce: header.nonce + 1 });
  const r = verifyRecordProof(buildRecordProof(new Block(header, meta, [forged]), 0, { confirmations: 1 }));
  t.equal(r.valid, false);
  if (!r.valid) t.equal(r.code, 'PROOF_BAD_SIGNATURE');
});
