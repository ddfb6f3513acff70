// Issue 15 acceptance: 64 concurrent clients sign through POST /actions with one node-held key; every action is
// mined exactly once and the nonces are contiguous, through a restart of the signing node and a reorg (its
// branch loses to a heavier one mined apart, its blocks' actions return to its pool) in the middle.
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { converged, ensureBuilt, nodeFixture, peered, type StatusJson, TestNode, waitFor } from '../p2p/support.js';

const CLIENTS = 64;
const EACH = 4;
const PASS = 'node-held key passphrase';

interface Ack {
  txid: string;
  nonce: number;
  phase: string;
}

const work = (s: StatusJson & { chainWork?: string }): bigint => BigInt(`0x${s.chainWork ?? '0'}`);

/**
 * CLIENTS clients, each sending EACH actions one after another (and more while `more()` says so); every answer
 * must be 202 {txid, nonce}.
 */
async function burst(node: TestNode, phase: string, acks: Ack[], failures: string[], more: () => boolean = () => false): Promise<void> {
  const token = (await readFile(join(node.options.datadir, 'api.cookie'), 'utf8')).trim();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      // At most 2 * EACH each: nothing mines meanwhile, and the key's actor may hold maxPerActor (1,000) pending.
      for (let i = 0; i < EACH || (more() && i < 2 * EACH); i++) {
        const res = await fetch(`${node.api}/actions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ key: 'svc', kind: 'audit.event', subject: `client-${c}`, payload: { phase, c, i } }),
        });
        const body = (await res.json()) as { txid?: string; nonce?: number; error?: { code: string } };
        if (res.status === 202 && typeof body.txid === 'string' && typeof body.nonce === 'number') acks.push({ txid: body.txid, nonce: body.nonce, phase });
        else failures.push(`${phase} client ${c}: ${res.status} ${JSON.stringify(body)}`);
      }
    }),
  );
}

async function minedActions(node: TestNode, actor: string): Promise<Array<{ txid: string; nonce: number }>> {
  const out: Array<{ txid: string; nonce: number }> = [];
  let cursor: string | undefined;
  do {
    const page = await node.get<{ items: Array<{ txid: string; tx: { nonce: number } }>; nextCursor?: string }>(
      `/accounts/${actor}/actions?limit=1000${cursor === undefined ? '' : `&cursor=${cursor}`}`,
    );
    out.push(...page.items.map((i) => ({ txid: i.txid, nonce: i.tx.nonce })));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

t.test('64 concurrent clients, one node-held key, a restart and a reorg', async (t) => {
  await ensureBuilt();
  const { dir, nodes } = await nodeFixture(t, 'sign-concurrency-');
  const passFile = join(dir.path, 'pass');
  writeFileSync(passFile, `${PASS}\n`, { mode: 0o600 });
  const keyArgs = ['--keys-passphrase-file', passFile];
  let a = await TestNode.start({ datadir: join(dir.path, 'a'), extra: keyArgs, logLevel: 'warn' });
  nodes.push(a);
  const b = await TestNode.start({ datadir: join(dir.path, 'b'), mine: false, bootstrap: [a.address], logLevel: 'warn' });
  nodes.push(b);
  await peered([a, b], 1, 45_000);
  await converged([a, b], 1, 30_000);
  const key = await a.post<{ publicKey: string }>('/keys', { name: 'svc' }, true);
  const actor = key.publicKey;
  const acks: Ack[] = [];
  const failures: string[] = [];

  await burst(a, 'before restart', acks, failures);
  t.same(failures, [], 'phase 1: every request answered 202');

  // Restart the signing node (SIGTERM: its pool, with whatever is still pending, is saved and reloaded).
  const pendingAtStop = (await a.get<{ pending: number }>(`/accounts/${actor}`)).pending;
  await a.stop();
  a = await TestNode.start({ ...a.options, p2pPort: a.p2pPort, bootstrap: [b.address] });
  nodes[0] = a;
  t.comment(`restarted with ${pendingAtStop} action(s) of the key pending`);
  await burst(a, 'after restart', acks, failures);
  t.same(failures, [], 'phase 2: every request answered 202 after the restart');
  await peered([a, b], 1, 45_000);

  // Partition: each side mines its own branch; a mines the next burst on its branch.
  const [ida, idb] = await Promise.all([a.self(), b.self()]);
  await waitFor(
    'the two nodes apart',
    async () => {
      await a.post('/peers/disconnect', { id: idb.id }, true).catch(() => undefined);
      await b.post('/peers/disconnect', { id: ida.id }, true).catch(() => undefined);
      const [pa, pb] = await Promise.all([a.peerIds(), b.peerIds()]);
      return !pa.includes(idb.id) && !pb.includes(ida.id);
    },
    20_000,
    500,
  );
  await b.post('/mining/start', {}, true);
  const before = acks.length;
  await burst(a, 'on the losing branch', acks, failures);
  t.same(failures, [], 'phase 3: every request answered 202 while partitioned');
  const onBranch = acks.slice(before);
  const lastOnBranch = onBranch.reduce((x, y) => (y.nonce > x.nonce ? y : x));
  await waitFor(
    'a to mine the partitioned burst on its branch',
    async () => (await a.get<{ status: string }>(`/txs/${lastOnBranch.txid}`)).status === 'mined',
    60_000,
    300,
  );
  await a.post('/mining/stop', {}, true);
  const losing = await a.status();
  await waitFor('b\u2019s branch to be heavier', async () => work(await b.status()) > work(losing) + 2n, 120_000, 500);
  await b.post('/mining/stop', {}, true);

  // Heal while the next burst is in flight: a reorgs to b's branch, its branch's actions return to its pool.
  let reorged = false;
  const healed = burst(a, 'during the reorg', acks, failures, () => !reorged);
  await waitFor(
    'the nodes to reconnect',
    async () => {
      await a.post('/peers/connect', { addr: idb.addresses[0] }, true).catch(() => undefined);
      await b.post('/peers/connect', { addr: ida.addresses[0] }, true).catch(() => undefined);
      return (await a.peerIds()).includes(idb.id);
    },
    30_000,
    1_000,
  );
  const tip = await converged([a, b], 1, 60_000).finally(() => (reorged = true));
  await healed;
  t.same(failures, [], 'phase 4: every request answered 202 through the reorg');
  t.equal((await a.get<{ status: string }>(`/txs/${lastOnBranch.txid}`)).status, 'pending', 'the losing branch\u2019s actions are back in the pool');
  t.ok(work(tip as StatusJson & { chainWork?: string }) > work(losing), 'the signing node switched to the heavier branch');
  const reorgs = /^chain_node_chain_reorgs_total (\d+)/m.exec(await (await fetch(`${a.api}/metrics`)).text());
  t.ok(Number(reorgs?.[1] ?? 0) >= 1, `the signing node reorganised (chain_node_chain_reorgs_total ${reorgs?.[1]})`);

  await a.post('/mining/start', {}, true);
  const total = acks.length;
  t.ok(total >= CLIENTS * EACH * 4, `${total} actions acknowledged`);
  await waitFor(
    'every action mined on both nodes',
    async () => {
      const [x, y] = await Promise.all([a, b].map((n) => n.get<{ nextNonce: number }>(`/accounts/${actor}`)));
      return x!.nextNonce >= total && y!.nextNonce >= total;
    },
    120_000,
    500,
  );
  await a.post('/mining/stop', {}, true);
  await converged([a, b], 1, 30_000);

  const sorted = [...acks].sort((x, y) => x.nonce - y.nonce);
  t.same(
    sorted.map((x) => x.nonce),
    Array.from({ length: total }, (_, i) => i),
    'acknowledged nonces are 0..n-1: no gap, no duplicate',
  );
  for (const n of [a, b]) {
    const mined = await minedActions(n, actor);
    t.equal(mined.length, total, 'as many mined actions as acknowledged');
    t.same(
      mined.map((m) => m.txid),
      sorted.map((x) => x.txid),
      'every acknowledged action mined exactly once, at the nonce it was given',
    );
    t.equal((await n.get<{ nextNonce: number; pending: number }>(`/accounts/${actor}`)).pending, 0, 'nothing left pending');
  }
});
