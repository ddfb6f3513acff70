// Issue 13 acceptance, with real processes: five nodes, all witnesses, threshold 3. They are cut into a group A
// of three (a witness majority) and a group B of two (operator disconnects, which also refuse reconnection both
// ways). Both mine apart; A finalises, B cannot (2 < 3) and ends with more work. After the heal every node ends
// on A's finalised branch (B's nodes fetch that lighter branch because a final checkpoint names it), B's blocks
// above the fork are never main anywhere, and the majority's witnesses never signed a conflicting checkpoint.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { loadOrCreateWitnessKey } from '../../src/finality/witness-key.js';
import { parseNote, parseVerifierKey, verifyNoteSignature } from '../../src/log/note.js';
import { ensureBuilt, Links, nodeFixture, peered, type StatusJson, stopMining, TestNode, waitFor } from '../p2p/support.js';

interface FinalityStatus {
  final: { size: number; height: number; hash: string } | null;
  witness: { halted: string | null; lastSignedSize: number | null; signing: boolean };
}
type Status = StatusJson & { chainWork: string; finality: FinalityStatus };

const work = (s: Status): bigint => BigInt(`0x${s.chainWork}`);

t.test('partition: the witness majority finalises, and after the heal every node ends on its branch', async (t) => {
  await ensureBuilt();
  const { dir, nodes } = await nodeFixture(t, 'finality-partition-');
  const names = ['a', 'b', 'c', 'd', 'e'];
  const keys: string[] = [];
  for (const n of names) await mkdir(join(dir.path, n), { recursive: true });
  for (const n of names) keys.push((await loadOrCreateWitnessKey(join(dir.path, n), 'regtest')).signer.vkey);
  // Each node tags its blocks: two groups mining empty blocks on the same parent in the same second would
  // otherwise find the very same block, and the partition would not split the chain.
  const extra = (n: string): string[] => ['--witnesses', ...keys, '--witness-threshold', '3', '--miner-tag', `node-${n}`];
  const a = await TestNode.start({ datadir: join(dir.path, 'a'), extra: extra('a') });
  nodes.push(a);
  nodes.push(
    ...(await Promise.all(names.slice(1).map((n) => TestNode.start({ datadir: join(dir.path, n), mine: false, bootstrap: [a.address], extra: extra(n) })))),
  );
  const [, b, c, d, e] = nodes as [TestNode, TestNode, TestNode, TestNode, TestNode];
  const status = (n: TestNode): Promise<Status> => n.get<Status>('/status');
  await peered(nodes, 2, 60_000);
  // Shared history, final everywhere.
  await waitFor(
    'a common final checkpoint on every node',
    async () => (await Promise.all(nodes.map(status))).every((s) => (s.finality.final?.size ?? 0) >= 3),
    90_000,
    500,
  );
  const links = await Links.of(nodes);

  // Cut: A = a, b, c (3 of 5 witnesses); B = d, e.
  const gA = [0, 1, 2];
  const gB = [3, 4];
  await links.cut(gA, gB, 20_000);
  const cutHeight = (await status(a)).height;
  const bFinalAtCut = (await status(d)).finality.final!;

  // Both groups mine: a alone in A; d and e in B.
  await Promise.all([d.post('/mining/start', {}, true), e.post('/mining/start', {}, true)]);
  const aFinal = await waitFor(
    'group A to finalise well past the cut',
    async () => {
      const f = (await status(a)).finality.final;
      return f !== null && f.height >= cutHeight + 3 ? f : undefined;
    },
    120_000,
    500,
  );
  await stopMining([a]);
  const aStop = await status(a);
  // B keeps mining until it has clearly more work than A, and is past A's final height.
  await waitFor(
    'group B to have more work than group A',
    async () => {
      const s = await status(d);
      return work(s) > work(aStop) + 4n && s.height > aFinal.height + 1;
    },
    180_000,
    500,
  );
  const bBefore = await status(d);
  const bFinal = bBefore.finality.final!;
  t.ok(
    bFinal.height <= Math.max(bFinalAtCut.height, cutHeight),
    `group B finalised nothing past the cut (its final height ${bFinal.height}, cut at ${cutHeight}): 2 of 5 witnesses < 3`,
  );
  t.ok(work(bBefore) > work(await status(a)), `group B (height ${bBefore.height}) has more work than group A (height ${aStop.height})`);
  // B's block at A's final height: on B's branch, never to be accepted by anyone after the heal.
  const bBlock = await d.get<{ hash: string }>(`/blocks/${aFinal.height}`);
  t.not(bBlock.hash, aFinal.hash, 'the groups diverged below A\u2019s final block');
  // d stops; e keeps mining on B's heavier branch until it learns of A's final checkpoint.
  await stopMining([d]);

  // Heal: two links, both sides (an operator connect lifts the block).
  await links.heal([
    [0, 3],
    [1, 4],
  ]);
  // A mines again: its new checkpoints (and their final notes) reach B over gossip.
  await a.post('/mining/start', {}, true);
  await waitFor(
    'every node to be on A\u2019s final branch',
    async () => {
      const blocks = await Promise.all(nodes.map((n) => n.get<{ hash: string; confirmations: number }>(`/blocks/${aFinal.height}`)));
      const st = await Promise.all(nodes.map(status));
      return blocks.every((x) => x.hash === aFinal.hash && x.confirmations > 0) && st.every((s) => (s.finality.final?.height ?? 0) >= aFinal.height);
    },
    180_000,
    1_000,
  );
  await stopMining([a, e]);
  const end = await waitFor(
    'every node on one tip',
    async () => {
      const s = await Promise.all(nodes.map(status));
      return s.every((x) => x.tip.hash === s[0]!.tip.hash) ? s : undefined;
    },
    90_000,
    500,
  );
  t.pass(`every node ends on A's branch (tip ${end[0]!.tip.hash} at height ${end[0]!.height})`);
  for (const [i, s] of end.entries()) {
    t.ok(s.finality.final !== null && s.finality.final.height >= aFinal.height, `${names[i]}: final height ${s.finality.final?.height} covers A's final block`);
  }
  const bSeen = await Promise.all(
    nodes.map((n) =>
      n.get<{ confirmations: number }>(`/blocks/${bBlock.hash}`).then(
        (x) => x.confirmations,
        () => -1,
      ),
    ),
  );
  t.ok(
    bSeen.every((x) => x <= 0),
    `B's block at height ${aFinal.height} is on no node's main chain (confirmations/absent: ${bSeen.join(',')})`,
  );
  for (const n of [d, e]) {
    const log = await n.log();
    t.match(log, /downloading the branch of a final checkpoint/, `${n.options.datadir}: fetched the lighter final branch`);
    t.match(log, /switching to the branch of a final checkpoint/, `${n.options.datadir}: left its heavier branch for the final one`);
  }
  // A's nodes refused B's branch as conflicting with their final block (headers or blocks), and never penalised
  // each other for it.
  const aLogs = (await Promise.all([a, b, c].map((n) => n.log()))).join('\n');
  const refusals = new Set(aLogs.match(/(HEADERS_CONFLICT_FINAL|BLOCK_CONFLICTS_FINAL)/g) ?? []);
  t.ok(refusals.size > 0, `group A refused group B\u2019s heavier branch as conflicting with its final block (${[...refusals].join(', ')})`);

  // Witnesses: A's never halted (they never met a chain contradicting what they signed); every final note holds
  // at least 3 valid signatures from the set.
  const verifiers = keys.map((k) => parseVerifierKey(k));
  for (const [i, s] of end.entries()) {
    if (i < 3) {
      t.equal(s.finality.witness.halted, null, `${names[i]} (majority) never halted`);
      t.ok((s.finality.witness.lastSignedSize ?? 0) >= aFinal.size, `${names[i]} kept signing extensions`);
    }
    const note = parseNote(await (await fetch(`${nodes[i]!.api}/log/checkpoint`)).text());
    const valid = note.sigs.filter((sig) => verifiers.some((v) => v.name === sig.name && v.keyId === sig.keyId && verifyNoteSignature(note.text, sig, v)));
    t.ok(valid.length >= 3 && valid.length === note.sigs.length, `${names[i]}: final checkpoint carries ${valid.length} valid witness signatures`);
  }
});
