// Real node processes (SPEC 12): a witness killed with SIGKILL and restarted never signs a checkpoint that does not
// extend what it signed before; a datadir from before the header log (no log keys, no witness key, no finality
// state) gets its log built on start, with progress output, and serves anchored proofs of earlier records.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import t from 'tap';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { verifyConsistency } from '../../src/crypto/merkle.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { Keys, Prefix } from '../../src/store/layout.js';
import { ensureBuilt, http, startNode, tempDir, waitFor, type NodeProcess } from './support.js';

ensureBuilt();

interface FinState {
  lastSigned?: { size: number; root: string };
}

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

async function finalHeight(node: NodeProcess, atLeast: number): Promise<number> {
  return waitFor(
    `final height >= ${atLeast}`,
    async () => {
      const r = await http(`${node.url}/status`);
      const h = (r.body.finality as { final: { height: number } | null } | undefined)?.final?.height;
      return h !== undefined && h >= atLeast ? h : undefined;
    },
    60_000,
    200,
  );
}

t.test('kill -9 and restart: the witness only ever extends what it signed; an old datadir builds its log', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const stateFile = join(datadir, 'finality.json');
  let node = await startNode(t, { datadir, home: dir });
  const tx = Transaction.sign(
    { chain: chainId(getNetwork('regtest')), nonce: 0, time: Date.now(), kind: 'doc.certify', subject: 'contract-1', payload: { n: 1 } },
    generateSecretKey(),
  );
  t.equal(
    (await http(`${node.url}/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(tx.bytes) }) })).status,
    202,
  );
  await finalHeight(node, 3);
  const signed: Array<{ size: number; root: string }> = [];
  for (let round = 0; round < 3; round++) {
    await new Promise((r) => setTimeout(r, 700 + Math.floor(Math.random() * 1500)));
    node.proc.kill('SIGKILL');
    await node.exited;
    const before = (JSON.parse(readFileSync(stateFile, 'utf8')) as FinState).lastSigned!;
    signed.push(before);
    node = await startNode(t, { datadir, home: dir });
    const h = await finalHeight(node, before.size);
    // What it signs after the restart is an append-only extension of what it signed before the kill.
    const after = await waitFor(
      'a new signature',
      async () => {
        const s = (JSON.parse(readFileSync(stateFile, 'utf8')) as FinState).lastSigned!;
        return s.size > before.size ? s : undefined;
      },
      60_000,
      200,
    );
    const c = await http(`${node.url}/log/proof/consistency?from=${before.size}&to=${after.size}`);
    t.equal(c.status, 200);
    t.ok(
      verifyConsistency(before.size, after.size, b64(before.root), b64(after.root), (c.body.proof as string[]).map(b64)),
      `round ${round}: ${before.size} -> ${after.size} is consistent (final height ${h})`,
    );
  }
  t.ok(
    signed.every((s, i) => i === 0 || s.size >= signed[i - 1]!.size),
    'signed sizes never went back',
  );

  // Make the datadir look as the previous release left it: no header log, no witness key, no finality state.
  await node.stop();
  const db = new ClassicLevel<Uint8Array, Uint8Array>(join(datadir, 'chain'), { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const ops: Array<{ type: 'del'; key: Uint8Array }> = [{ type: 'del', key: Keys.logSize() }];
  for await (const k of db.keys({ gte: Uint8Array.of(Prefix.logHash), lt: Uint8Array.of(Prefix.logHash + 1) })) ops.push({ type: 'del', key: k });
  t.ok(ops.length > 5, 'the log was there');
  await db.batch(ops);
  await db.close();
  rmSync(stateFile);
  rmSync(join(datadir, 'witness.key'));
  node = await startNode(t, { datadir, home: dir, env: { CHAIN_NODE_LOG_LEVEL: 'info' } });
  const out = await waitFor('log build output', async () => (/header log built/.test(node.stdout()) ? node.stdout() : undefined), 20_000, 100);
  t.match(out, /building the header log/, 'progress output while building');
  t.match(out, /header log progress/);
  t.match(out, /header log built/);
  const proof = await waitFor(
    'an anchored proof of the earlier record',
    async () => {
      const r = await http(`${node.url}/txs/${tx.txidHex}/proof`);
      return r.status === 200 && r.body.version === 2 ? r.body : undefined;
    },
    60_000,
    300,
  );
  t.equal(proof.txid, tx.txidHex);
  await node.stop();
});
