// (e) Malformed transactions and requests get stable error codes, never a crash; the CLI reports them as
// `error [CODE]: message` (or JSON with --json) and exits non-zero.
import { join } from 'node:path';
import t from 'tap';
import { signAction } from '../../src/wallet/tx-signer.js';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { apiCode, ensureBuilt, errorCode, http, runCli, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

const REGTEST = chainId(getNetwork('regtest'));
const DEVNET = chainId(getNetwork('devnet'));

t.test('malformed input against one node', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, { datadir: join(dir, 'regtest'), home: dir });

  await t.test('error codes of the API', async (t) => {
    const post = (path: string, body: string, type = 'application/json'): ReturnType<typeof http> =>
      http(`${node.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    const submit = (hex: string): ReturnType<typeof http> => post('/txs', JSON.stringify({ tx: hex }));
    const expect = async (what: string, r: Promise<{ status: number; body: Record<string, unknown> }>, status: number, code: string): Promise<void> => {
      const res = await r;
      t.equal(apiCode(res.body), code, `${what}: ${code}`);
      t.equal(res.status, status, `${what}: HTTP ${status}`);
      t.type((res.body.error as { message?: unknown } | undefined)?.message, 'string', `${what}: has a message`);
    };

    const sk = generateSecretKey();
    const action = { kind: 'supply.shipped', subject: 'pallet-7', payload: { from: 'Rotterdam', to: 'Basel' } };
    const good = signAction(sk, action, { chainId: REGTEST, nonce: 0 });

    await expect('bad hex', submit('zz'), 400, 'TX_BAD_HEX');
    await expect('odd-length hex', submit('abc'), 400, 'TX_BAD_HEX');
    await expect('garbage CBOR', submit('ffff'), 400, 'DECODE_MALFORMED');
    await expect('truncated CBOR', submit(toHex(good.bytes).slice(0, 40)), 400, 'DECODE_MALFORMED');
    await expect('not a tx map', submit('83010203'), 400, 'DECODE_WRONG_TYPE');
    await expect('wrong chain', submit(toHex(signAction(sk, action, { chainId: DEVNET, nonce: 0 }).bytes)), 400, 'TX_WRONG_CHAIN');
    const sig = Uint8Array.from(good.fields.sig);
    sig[10]! ^= 0x01;
    const badSig = Transaction.fromFields({ ...good.fields, sig }).bytes;
    await expect('bad signature', submit(toHex(badSig)), 400, 'TX_BAD_SIGNATURE');

    const ok = await submit(toHex(good.bytes));
    t.equal(ok.status, 202);
    t.same(ok.body, { txid: good.txidHex, status: 'accepted' });
    const again = await submit(toHex(good.bytes));
    t.equal(again.body.status, 'duplicate', 'resubmitting is idempotent');
    await waitFor('the tx to be mined', async () => ((await http(`${node.url}/txs/${good.txidHex}`)).body.status === 'mined' ? true : undefined));
    const replay = signAction(sk, { ...action, payload: { from: 'Rotterdam', to: 'Milan' } }, { chainId: REGTEST, nonce: 0 });
    await expect('nonce replay', submit(toHex(replay.bytes)), 409, 'TX_NONCE_TOO_LOW');
    await expect('nonce far ahead', submit(toHex(signAction(sk, action, { chainId: REGTEST, nonce: 10_000 }).bytes)), 409, 'TX_NONCE_TOO_FAR');

    await expect('unknown route', http(`${node.url}/no/such/route`), 404, 'NOT_FOUND');
    await expect('unknown tx', http(`${node.url}/txs/${'ab'.repeat(32)}`), 404, 'TX_NOT_FOUND');
    await expect('unknown block', http(`${node.url}/blocks/999999`), 404, 'BLOCK_NOT_FOUND');
    await expect('bad JSON', post('/txs', '{"tx": '), 400, 'BAD_JSON');
    await expect('missing field', post('/txs', '{}'), 400, 'BAD_REQUEST');
    await expect('extra field', post('/txs', JSON.stringify({ tx: toHex(good.bytes), x: 1 })), 400, 'BAD_REQUEST');
    await expect('wrong type', post('/txs', JSON.stringify({ tx: { hex: 'ab' } })), 400, 'BAD_REQUEST');
    await expect('bad txid', http(`${node.url}/txs/not-a-txid`), 400, 'BAD_REQUEST');
    await expect('bad query', http(`${node.url}/blocks?limit=0`), 400, 'BAD_REQUEST');
    await expect('empty batch', post('/txs/batch', JSON.stringify({ txs: [] })), 400, 'BAD_REQUEST');

    const batch = await post('/txs/batch', JSON.stringify({ txs: [toHex(signAction(sk, action, { chainId: REGTEST, nonce: 1 }).bytes), 'zz', toHex(badSig)] }));
    t.equal(batch.status, 200);
    t.match(batch.body, { accepted: 1, rejected: 2, results: [{ ok: true }, { ok: false, code: 'TX_BAD_HEX' }, { ok: false }] });

    t.equal((await http(`${node.url}/health`)).status, 200, 'still healthy after all that');
  });

  await t.test('CLI error output', async (t) => {
    const human = await runCli(['tx', 'get', 'xyz', '--network', 'regtest', '--api', node.url], { home: dir });
    t.equal(human.code, 1);
    t.match(human.stderr, /^error \[BAD_TXID\]: txid must be 64 hex characters \(a SHA-256 hash\)/m);
    t.equal(human.stdout, '');
    const schema = await http(`${node.url}/txs/deadbeef`);
    t.equal(apiCode(schema.body), 'BAD_REQUEST');
    t.equal(
      (schema.body.error as { message: string }).message,
      'txid must be 64 hex characters (a SHA-256 hash)',
      'the API names the rule, not the JSON schema',
    );
    const js = await runCli(['tx', 'get', 'ab'.repeat(32), '--network', 'regtest', '--api', node.url, '--json'], { home: dir });
    t.equal(js.code, 1);
    t.same(Object.keys(JSON.parse(js.stderr) as object), ['error']);
    t.equal(errorCode(js), 'TX_NOT_FOUND');
    const mismatch = await runCli(['tx', 'send', '--key', 'k', '--kind', 'x', '--api', node.url, '--datadir', join(dir, 'devnet')], {
      home: dir,
      env: { CHAIN_NODE_PASSPHRASE: 'p' },
    });
    t.equal(errorCode(mismatch), 'KEY_NOT_FOUND', 'the key is checked before the network');
    const gen = await runCli(['key', 'generate', 'k', '--datadir', join(dir, 'devnet')], { home: dir, env: { CHAIN_NODE_PASSPHRASE: 'p' } });
    t.equal(gen.code, 0, gen.stderr);
    const wrongNet = await runCli(['tx', 'send', '--key', 'k', '--kind', 'x', '--api', node.url, '--datadir', join(dir, 'devnet')], {
      home: dir,
      env: { CHAIN_NODE_PASSPHRASE: 'p' },
    });
    t.equal(errorCode(wrongNet), 'NETWORK_MISMATCH', 'a devnet client refuses to sign for a regtest node');
    t.match(wrongNet.stderr, /--network regtest/);
    const badPayload = await runCli(['tx', 'send', '--key', 'k', '--kind', 'x', '--payload', '{nope', '--api', node.url, '--datadir', join(dir, 'devnet')], {
      home: dir,
      env: { CHAIN_NODE_PASSPHRASE: 'p' },
    });
    t.equal(errorCode(badPayload), 'TX_BAD_PAYLOAD');
    const unknownCmd = await runCli(['frobnicate'], { home: dir });
    t.not(unknownCmd.code, 0, 'unknown commands fail');
  });
});
