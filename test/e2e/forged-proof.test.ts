// Issue 13's forgery, as a new user would try it: a fresh key signs a doc.certify action, the action goes into a
// one-transaction block on no chain at all, stamped 2020-01-01, nonce ground at the network's minimum difficulty.
// `proof verify` must never call it valid: unanchored (exit 3) with or without --network, a specific code with
// --witnesses.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildRecordProof } from '../../src/consensus/record-proof.js';
import { anchorRecordProof } from '../../src/consensus/anchored-proof.js';
import { compactToTarget } from '../../src/consensus/compact.js';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { leafHash } from '../../src/crypto/merkle.js';
import { formatCheckpoint, logOrigin } from '../../src/log/checkpoint.js';
import { randomSeed, signNote, signerFromSeed } from '../../src/log/note.js';
import { Block } from '../../src/primitives/block.js';
import { BlockHeader, blockHashToHex } from '../../src/primitives/header.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { ensureBuilt, errorCode, json, runCli, tempDir } from './support.js';

ensureBuilt();

const net = getNetwork('regtest');
const CHAIN = chainId(net);
const JAN_1_2020 = Date.UTC(2020, 0, 1) / 1000;

function forgedBlock(): Block {
  const tx = Transaction.sign(
    { chain: CHAIN, nonce: 0, time: JAN_1_2020 * 1000, kind: 'doc.certify', subject: 'sha256:' + 'ab'.repeat(32), payload: { name: 'contract.pdf' } },
    generateSecretKey(),
  );
  const meta = { height: 1234, extra: new Uint8Array(0) };
  const bits = net.genesis.bits;
  const draft = new Block(
    BlockHeader.from({ version: 1, prevHash: new Uint8Array(32).fill(0x42), merkleRoot: new Uint8Array(32), time: JAN_1_2020, bits, nonce: 0 }),
    meta,
    [tx],
  );
  let header = draft.header.with({ merkleRoot: draft.computeMerkleRoot() });
  while (!checkProofOfWork(header.bytes, compactToTarget(bits))) header = header.with({ nonce: header.nonce + 1 });
  return new Block(header, meta, [tx]);
}

t.test('a forged proof is never reported valid', async (t) => {
  const dir = tempDir(t);
  const block = forgedBlock();
  const v1 = buildRecordProof(block, 0, { confirmations: 1, network: 'regtest' });
  const v1File = join(dir, 'forged.json');
  writeFileSync(v1File, JSON.stringify(v1));
  // The forger also signs a checkpoint of a made-up log holding only its header, with a witness key of its own.
  const forgerWitness = signerFromSeed('forger.example', randomSeed());
  const cp = signNote(formatCheckpoint({ origin: logOrigin('regtest', blockHashToHex(CHAIN)), size: 1, root: leafHash(block.header.bytes), extensions: [] }), [
    forgerWitness,
  ]);
  const v2 = { ...anchorRecordProof(v1, { headerPath: [], checkpoint: cp }), headerIndex: 1234 };
  // A header index must equal the height; a one-leaf log has only index 0, so the forger claims height 0 there.
  const v2File = join(dir, 'forged-v2.json');
  writeFileSync(v2File, JSON.stringify({ ...v2, height: 0, headerIndex: 0 }));
  const realWitness = signerFromSeed('witness.example', randomSeed());

  for (const extra of [[], ['--network', 'regtest']]) {
    for (const file of [v1File, v2File]) {
      const r = await runCli(['proof', 'verify', file, ...extra], { home: dir });
      t.equal(r.code, 3, `unanchored exit status (${file.endsWith('v2.json') ? 'v2' : 'v1'} ${extra.join(' ')})`);
      t.notMatch(r.stdout, /proof is valid/, 'never "valid"');
      t.match(r.stdout, /UNANCHORED/);
      t.match(r.stdout, /NOT checked: that the header is in the network's chain/);
      t.match(r.stdout, /forging it costs about 2\^/);
      const j = await runCli(['proof', 'verify', file, ...extra, '--json'], { home: dir });
      t.equal(j.code, 3);
      t.match(json(j), { status: 'unanchored', valid: false, anchored: false, blockTime: JAN_1_2020 });
    }
  }
  const withKeys = await runCli(['proof', 'verify', v1File, '--witnesses', realWitness.vkey, '--json'], { home: dir });
  t.equal(withKeys.code, 1);
  t.equal(errorCode(withKeys), 'PROOF_NOT_ANCHORED', 'v1 forgery with trusted keys: PROOF_NOT_ANCHORED');
  const keysFile = join(dir, 'witnesses.txt');
  writeFileSync(keysFile, `# our witnesses\n${realWitness.vkey}\n`);
  const v2Keys = await runCli(['proof', 'verify', v2File, '--witnesses', keysFile, '--json'], { home: dir });
  t.equal(v2Keys.code, 1);
  t.equal(errorCode(v2Keys), 'PROOF_CHECKPOINT_UNTRUSTED', "a checkpoint signed by the forger's own key is not trusted");
  const badKey = await runCli(['proof', 'verify', v1File, '--witnesses', 'nonsense+00000000+AAAA', '--json'], { home: dir });
  t.equal(errorCode(badKey), 'NOTE_BAD_VERIFIER_KEY');
});
