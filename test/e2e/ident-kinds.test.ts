// Issue 15 items 4 and 5 through the real binary: a node started with a custom kind file (kinds.schemaFiles via
// its environment variable) refuses failing payloads at POST /txs with TX_SCHEMA and the pointer, the CLI refuses
// them before it signs (standard and the node's configured kinds), and a key rotation sent with the CLI shows in
// the DID document while a later record of the old key is flagged.
import { join } from 'node:path';
import t from 'tap';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { signAction } from '../../src/wallet/tx-signer.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { ensureBuilt, errorCode, http, json, ROOT, runCli, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

t.test('kind schemas and identities on a running node', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const node = await startNode(t, { datadir, home: dir, env: { CHAIN_NODE_KIND_SCHEMAS: join(ROOT, 'examples', 'kinds', 'lab.json') } });
  const env = { CHAIN_NODE_PASSPHRASE: 'pw' };
  const g = ['--network', 'regtest', '--datadir', datadir, '--api', node.url];
  const cli = (args: string[]): ReturnType<typeof runCli> => runCli([...args, ...g, '--json'], { home: dir, env });
  const alice = json<{ publicKey: string }>(await cli(['key', 'generate', 'alice'])).publicKey;
  const bob = json<{ publicKey: string }>(await cli(['key', 'generate', 'bob'])).publicKey;

  // GET /kinds: the standard kinds and the configured file's.
  const kinds = (await http(`${node.url}/kinds`)).body.kinds as Array<{ kind: string; source: string }>;
  t.match(
    kinds.find((k) => k.kind === 'lab.*'),
    { source: 'config' },
  );
  t.match(
    kinds.find((k) => k.kind === 'review'),
    { source: 'standard' },
  );

  // POST /txs: code and pointer.
  const bad = signAction(
    generateSecretKey(),
    { kind: 'lab.blood', payload: { sample: 's1', readings: { hb: 'high' } } },
    { chainId: chainId(getNetwork('regtest')), nonce: 0 },
  );
  const r = await http(`${node.url}/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(bad.bytes) }) });
  t.equal(r.status, 400);
  t.match(r.body, { error: { code: 'TX_SCHEMA', pointer: '/readings/hb' } });

  // The CLI refuses before signing.
  const review = await cli(['tx', 'send', '--key', 'alice', '--kind', 'review', '--payload', '{"stars":9}']);
  t.equal(errorCode(review), 'TX_SCHEMA');
  t.match(review.stderr, /\/stars/);
  t.equal(errorCode(await cli(['tx', 'send', '--key', 'alice', '--kind', 'lab.urine', '--payload', '{}'])), 'TX_SCHEMA', "the node's configured kind");
  t.equal((await http(`${node.url}/mempool`)).body.count as number, 0, 'nothing was submitted');

  // Rotation through the CLI, then a record of the old key.
  const first = await cli(['tx', 'send', '--key', 'alice', '--kind', 'audit.login', '--wait', '1']);
  t.equal(first.code, 0, first.stderr);
  const rotate = await cli(['tx', 'send', '--key', 'alice', '--kind', 'id.rotate', '--payload', JSON.stringify({ next: bob }), '--wait', '1']);
  t.equal(rotate.code, 0, rotate.stderr);
  const rotationBlock = json<{ confirmed: { block: { hash: string; height: number } } }>(rotate).confirmed.block;
  const stale = json<{ txid: string }>(await cli(['tx', 'send', '--key', 'alice', '--kind', 'audit.login', '--wait', '1'])).txid;
  const tx = await waitFor('the stale record mined', async () => {
    const s = await http(`${node.url}/txs/${stale}`);
    return s.body.status === 'mined' ? (s.body.tx as { flags?: string[] }) : undefined;
  });
  t.same(tx.flags, ['KEY_ROTATED']);
  const resolved = await http(`${node.url}/identities/did:chain-node:regtest:${alice}`);
  t.equal(resolved.status, 200);
  const doc = resolved.body.didDocument as { verificationMethod: unknown[]; authentication: string[] };
  t.equal(doc.verificationMethod.length, 2);
  const identity = (resolved.body.didDocumentMetadata as { identity: { currentKey: string; rotations: Array<{ height: number; blockHash: string }> } })
    .identity;
  t.equal(identity.currentKey, bob);
  t.match(identity.rotations, [{ height: rotationBlock.height, blockHash: rotationBlock.hash }]);
  const badDid = await http(`${node.url}/identities/did:chain-node:regtest:zz`);
  t.match(badDid, { status: 400, body: { error: { code: 'DID_INVALID' } } });
});
