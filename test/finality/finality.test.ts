// Witnessing and finality (SPEC 12) on a real chain and store: signing rules (never a non-extension, remembered
// across restarts, halt and resume), cosignature validation with penalties, bounded collection, final
// checkpoints persisted, and fork choice that never reorganises below the latest final checkpoint.
import { join } from 'node:path';
import t from 'tap';
import { type Chain } from '../../src/chain/chain.js';
import { Finality } from '../../src/finality/finality.js';
import { formatCheckpoint, logOrigin } from '../../src/log/checkpoint.js';
import { parseVerifierKey, randomSeed, signNote, signerFromSeed, type NoteSigner } from '../../src/log/note.js';
import { toHex } from '../../src/util/bytes.js';
import { BlockError } from '../../src/chain/errors.js';
import { branch, extend, mine, openChain, tempDir } from '../utils/chain.js';
import { assertConsistent } from '../chain/helpers.js';

const origin = (chain: Chain): string => logOrigin(chain.ctx.params.name, chain.tree.atHeight(0)!.header.hashHex);

async function setup(t: Tap, signers: NoteSigner[], me: NoteSigner | undefined, threshold: number, dir?: string) {
  const d = dir ?? (await tempDir()).path;
  const { chain, store } = await openChain(join(d, 'chain'));
  const f = await Finality.open(
    { origin: origin(chain), witnesses: signers.map((s) => parseVerifierKey(s.vkey)), threshold, depth: 1, statePath: join(d, 'finality.json') },
    { chain, ...(me === undefined ? {} : { signer: me }) },
  );
  chain.on('block:connected', () => f.tipChanged());
  return { chain, store, f, dir: d, close: () => store.close() };
}
type Tap = unknown;

t.test('a lone node witnesses for itself (k = 1): final checkpoints, no reorg below them, conflicting blocks refused', async (t) => {
  const me = signerFromSeed('solo', randomSeed());
  const s = await setup(t, [me], me, 1);
  const signed: string[] = [];
  s.f.on('signed', (n) => signed.push(n));
  await extend(s.chain, 5);
  await s.f.idle();
  t.equal(s.f.latestFinal?.size, 5, 'depth 1: the checkpoint of size h (one block buried) is final');
  t.equal(s.chain.finalNode?.height, 4);
  t.ok(signed.length >= 1 && signed.at(-1)!.includes('\n5\n'));
  // A heavier branch forking below the final block is never connected.
  const side = branch(s.chain, s.chain.tree.atHeight(3)!, 6, 7);
  let codes: string[] = [];
  for (const b of side) {
    try {
      await s.chain.processBlock(b);
    } catch (err) {
      codes.push((err as BlockError).code);
    }
  }
  t.equal(codes.length, side.length, 'every block of the branch refused');
  t.equal(codes[0], 'BLOCK_CONFLICTS_FINAL', 'the first with its own code');
  t.ok(
    codes.slice(1).every((c) => c === 'BLOCK_INVALID_PARENT'),
    'its descendants as children of a refused block',
  );
  t.equal(s.chain.height, 5, 'still on the final branch');
  await s.close();
  // Persisted: reopened, the same final checkpoint applies at once.
  const again = await setup(t, [me], me, 1, s.dir);
  t.equal(again.f.latestFinal?.size, 5);
  t.equal(again.chain.finalNode?.height, 4);
  codes = [];
  try {
    await again.chain.processBlock(branch(again.chain, again.chain.tree.atHeight(3)!, 1, 9)[0]!);
  } catch (err) {
    codes.push((err as BlockError).code);
  }
  t.same(codes, ['BLOCK_CONFLICTS_FINAL']);
  await again.close();
});

t.test('a witness never signs a non-extension, across restarts, and resumes only on a final branch', async (t) => {
  const [a, b, c] = ['wa', 'wb', 'wc'].map((n) => signerFromSeed(n, randomSeed())) as [NoteSigner, NoteSigner, NoteSigner];
  const s = await setup(t, [a, b, c], a, 2);
  const fork = s.chain.tip;
  await extend(s.chain, 4);
  await s.f.idle();
  t.equal(s.f.lastSigned?.size, 4, 'signed the checkpoint one block below its tip');
  t.equal(s.f.latestFinal, undefined, 'one of three signatures is not final');
  // A heavier branch from genesis replaces what it signed.
  for (const blk of branch(s.chain, fork, 6, 3)) await s.chain.processBlock(blk, { requested: true });
  await s.f.idle();
  t.equal(s.chain.height, 6);
  t.match(s.f.halted, /not an extension/);
  t.equal(s.f.lastSigned?.size, 4, 'nothing signed on the other branch');
  const made = s.f.signaturesMade;
  await s.close();
  const again = await setup(t, [a, b, c], a, 2, s.dir);
  await extend(again.chain, 1);
  await again.f.idle();
  t.match(again.f.halted, /not an extension/, 'still halted after a restart');
  t.equal(again.f.signaturesMade, 0);
  t.ok(made >= 1);
  // The other two witnesses finalise the new branch: the halted witness resumes on it.
  const size = again.chain.height + 1;
  const text = formatCheckpoint({ origin: origin(again.chain), size, root: again.chain.headerLog.root, extensions: [] });
  t.equal(await again.f.addCosignatures(signNote(text, [b, c])), 2);
  t.equal(again.f.latestFinal?.size, size);
  t.equal(again.f.halted, undefined, 'resumed');
  await extend(again.chain, 2);
  await again.f.idle();
  t.equal(again.f.lastSigned?.size, size + 1, 'signs extensions of the final branch');
  await again.close();
});

t.test('cosignatures are validated, with penalties, and collection is bounded', async (t) => {
  const [a, b] = ['va', 'vb'].map((n) => signerFromSeed(n, randomSeed())) as [NoteSigner, NoteSigner];
  const s = await setup(t, [a, b], undefined, 2);
  await extend(s.chain, 3);
  const o = origin(s.chain);
  const text = formatCheckpoint({ origin: o, size: 4, root: s.chain.headerLog.root, extensions: [] });
  const good = signNote(text, [a]);
  t.equal(await s.f.addCosignatures(good), 1);
  t.equal(await s.f.addCosignatures(good), 0, 'a duplicate adds nothing');
  const stranger = signerFromSeed('stranger', randomSeed());
  t.equal(await s.f.addCosignatures(signNote(text, [stranger])), 0, 'signatures outside the set are ignored');
  const forged = good.replace(/ (\S+)\n$/, (_m, b64: string) => {
    const raw = Buffer.from(b64, 'base64');
    raw[10]! ^= 1;
    return ` ${raw.toString('base64')}\n`;
  });
  await t.rejects(s.f.addCosignatures(forged), { code: 'CHECKPOINT_BAD_SIGNATURE', penalty: 100 });
  await t.rejects(s.f.addCosignatures(signNote(text.replace(o, 'other/log'), [a])), { code: 'CHECKPOINT_WRONG_LOG' });
  await t.rejects(s.f.addCosignatures('garbage'), { code: 'NOTE_MALFORMED' });
  t.equal(s.f.latestFinal, undefined);
  t.equal(await s.f.addCosignatures(signNote(text, [b])), 1);
  t.equal(s.f.latestFinal?.size, 4, 'two of two: final');
  t.equal(s.f.latestFinal?.signers.length, 2);
  for (let i = 0; i < 100; i++) {
    await s.f.addCosignatures(signNote(formatCheckpoint({ origin: o, size: 10 + i, root: new Uint8Array(32).fill(i), extensions: [] }), [a]));
  }
  t.ok(s.f.collectedCount <= 64, `collection bounded (${s.f.collectedCount})`);
  await s.close();
});

t.test('a node follows a final checkpoint on a stored side branch, even with less work, and refuses the other branch', async (t) => {
  const [b, c] = ['fb', 'fc'].map((n) => signerFromSeed(n, randomSeed())) as [NoteSigner, NoteSigner];
  const s = await setup(t, [b, c], undefined, 2);
  const fork = s.chain.tip;
  const minority = branch(s.chain, fork, 3, 5);
  await extend(s.chain, 6);
  for (const blk of minority) await s.chain.processBlock(blk, { requested: true });
  t.equal(s.chain.height, 6, 'on the heavier branch');
  t.notOk(s.chain.tree.isMain(s.chain.tree.get(minority[2]!.hash)!), 'the lighter branch is stored on the side');
  // The witnesses finalise the lighter branch (a checkpoint of its log: genesis + its 3 blocks).
  const headers = [s.chain.tree.atHeight(0)!.header, ...minority.map((m) => m.header)];
  const { merkleRoot } = await import('../../src/crypto/merkle.js');
  const root = merkleRoot(headers.map((h) => h.bytes));
  const text = formatCheckpoint({ origin: origin(s.chain), size: 4, root, extensions: [] });
  t.equal(await s.f.addCosignatures(signNote(text, [b, c])), 2);
  t.equal(s.f.latestFinal?.size, 4, 'final');
  t.equal(s.chain.tip.hex, toHex(minority[2]!.hash), 'switched to the final branch with less work');
  t.equal(s.chain.finalNode?.hex, toHex(minority[2]!.hash));
  let code: string | undefined;
  try {
    await s.chain.processBlock(mine(s.chain, [], s.chain.tree.atHeight(0)!, Uint8Array.of(77)));
  } catch (err) {
    code = (err as BlockError).code;
  }
  t.equal(code, 'BLOCK_CONFLICTS_FINAL', 'a block below the final block is refused');
  await assertConsistent(t, s.chain, 'database consistent after following the final branch');
  await s.close();
});

t.test('header sync refuses a branch that forks below the final block (HEADERS_CONFLICT_FINAL)', async (t) => {
  const { fetchHeaderChain } = await import('../../src/sync/header-chain.js');
  const { encodeHeaders } = await import('../../src/sync/messages.js');
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  await extend(chain, 5);
  chain.setFinal(chain.tree.atHeight(4)!);
  // A peer's heavier branch from height 2: its headers are refused before any block is fetched.
  const other = branch(chain, chain.tree.atHeight(2)!, 8, 4);
  const status = { height: 10, tip: other.at(-1)!.hash, work: 0n, genesis: chain.tree.atHeight(0)!.hash };
  await t.rejects(
    fetchHeaderChain(chain, status, async () => encodeHeaders(other.map((b) => b.header.bytes))),
    { code: 'HEADERS_CONFLICT_FINAL', penalty: 10 },
  );
  // A branch off the final block itself is fetched as usual.
  const fine = branch(chain, chain.tree.atHeight(4)!, 3, 6);
  t.equal((await fetchHeaderChain(chain, status, async () => encodeHeaders(fine.map((b) => b.header.bytes)))).headers.length, 3);
  await store.close();
});
