// (b) key generate -> tx send -> mined -> tx get -> tx proof -> proof verify offline; a tampered proof fails
// with its code.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/crypto/merkle.js';
import { toHex as toHexStr } from '../../src/util/bytes.js';
import { ensureBuilt, errorCode, json, runCli, startNode, tempDir } from './support.js';

ensureBuilt();

t.test('sign, submit, mine, prove, verify offline', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const node = await startNode(t, { datadir, home: dir });
  const env = { CHAIN_NODE_PASSPHRASE: 'correct horse battery staple' };
  const g = ['--network', 'regtest', '--datadir', datadir];
  const cli = (args: string[], e: Record<string, string> = env): ReturnType<typeof runCli> => runCli([...args, ...g, '--json'], { home: dir, env: e });

  const gen = await cli(['key', 'generate', 'alice']);
  t.equal(gen.code, 0, gen.stderr);
  const key = json<{ publicKey: string; file: string }>(gen);
  t.match(key.publicKey, /^0[23][0-9a-f]{64}$/);
  t.equal(key.file, join(dir, 'keys', 'alice.json'), 'keys live next to the datadir');
  t.equal(statSync(key.file).mode & 0o777, 0o600);
  t.notMatch(readFileSync(key.file, 'utf8'), /secret/i);
  t.equal(errorCode(await cli(['key', 'generate', 'alice'])), 'KEY_EXISTS');

  // Export and import: the encrypted file, or the secret only with --yes (no terminal here to confirm on).
  const exported = await runCli(['key', 'export', 'alice', ...g], { home: dir, env });
  t.match(JSON.parse(exported.stdout), { version: 1, publicKey: key.publicKey, crypto: { kdf: 'scrypt' } });
  t.equal(errorCode(await cli(['key', 'export', 'alice', '--secret'])), 'KEY_CONFIRMATION_REQUIRED');
  const secret = json<{ secretKey: string }>(await cli(['key', 'export', 'alice', '--secret', '--yes'])).secretKey;
  t.match(secret, /^[0-9a-f]{64}$/);
  const fromHex = await runCli(['key', 'import', 'alice-copy', ...g, '--json'], { home: dir, env, input: `${secret}\n` });
  t.equal(json<{ publicKey: string }>(fromHex).publicKey, key.publicKey, 'import from a hex secret on stdin');
  const exportedFile = join(dir, 'alice.export.json');
  writeFileSync(exportedFile, exported.stdout);
  t.equal(json<{ publicKey: string }>(await cli(['key', 'import', 'alice-2', exportedFile])).publicKey, key.publicKey, 'import an exported file');
  t.same(
    json<{ keys: Array<{ name: string }> }>(await cli(['key', 'list'])).keys.map((k) => k.name),
    ['alice', 'alice-2', 'alice-copy'],
  );
  const wrong = await cli(['tx', 'send', '--key', 'alice', '--kind', 'audit.login', '--api', node.url], { CHAIN_NODE_PASSPHRASE: 'nope' });
  t.equal(wrong.code, 1);
  t.equal(errorCode(wrong), 'KEY_BAD_PASSPHRASE');
  t.equal(errorCode(await cli(['tx', 'send', '--key', 'bob', '--kind', 'x', '--api', node.url])), 'KEY_NOT_FOUND');

  const send = await cli([
    'tx',
    'send',
    '--key',
    'alice',
    '--kind',
    'audit.login',
    '--subject',
    'user-42',
    '--payload',
    '{"ip":"10.0.0.7","ok":true}',
    '--wait',
    '1',
    '--api',
    node.url,
  ]);
  t.equal(send.code, 0, send.stderr);
  const sent = json<{ txid: string; actor: string; nonce: number; status: string; confirmed: { status: string; block: { height: number } } }>(send);
  t.equal(sent.actor, key.publicKey);
  t.equal(sent.nonce, 0);
  t.equal(sent.status, 'accepted');
  t.equal(sent.confirmed.status, 'mined');

  const get = await cli(['tx', 'get', sent.txid, '--api', node.url]);
  t.equal(get.code, 0, get.stderr);
  t.match(json(get), {
    status: 'mined',
    tx: { txid: sent.txid, kind: 'audit.login', subject: 'user-42', from: key.publicKey, nonce: 0, payload: { ip: '10.0.0.7', ok: true } },
  });

  // The next action takes the next nonce.
  const second = await cli(['tx', 'send', '--key', 'alice', '--kind', 'audit.logout', '--api', node.url]);
  t.equal(json<{ nonce: number }>(second).nonce, 1);

  // A lone node witnesses for itself (SPEC 12): its key, and a proof anchored to its final checkpoint.
  const wk = await cli(['witness', 'key']);
  t.equal(wk.code, 0, wk.stderr);
  const witness = json<{ key: string; file: string }>(wk);
  t.match(witness.key, /^regtest-witness-[0-9a-f]{8}\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
  t.equal(statSync(witness.file).mode & 0o777, 0o600, 'witness.key is 0600');
  const st = (await (await fetch(`${node.url}/status`)).json()) as {
    finality: { witness: { key: string; signing: boolean }; threshold: number; witnesses: number };
  };
  t.match(st.finality, { witness: { key: witness.key, signing: true }, threshold: 1, witnesses: 1 }, '/status shows the witness key');
  const proofFile = join(dir, 'proof.json');
  const proof = await cli(['tx', 'proof', sent.txid, '--out', proofFile, '--wait-final', '60', '--api', node.url]);
  t.equal(proof.code, 0, proof.stderr);
  const doc = JSON.parse(readFileSync(proofFile, 'utf8')) as Record<string, unknown>;
  t.equal(doc.txid, sent.txid);
  t.equal(doc.version, 2, 'anchored proof (version 2)');
  t.equal(doc.headerIndex, sent.confirmed.block.height);
  const cpText = await (await fetch(`${node.url}/log/checkpoint`)).text();
  t.match(cpText, /^chain-node\/regtest\/[0-9a-f]{64}\n[0-9]+\n[A-Za-z0-9+/]{43}=\n\n\u2014 regtest-witness-/, '/log/checkpoint serves the signed note');
  // The log API for monitors: JSON checkpoint, inclusion and consistency proofs that verify, raw headers, OpenAPI.
  const cpJson = (await (await fetch(`${node.url}/log/checkpoint.json`)).json()) as { size: number; root: string; note: string; witnesses: string[] };
  t.same(cpJson.witnesses, [witness.key]);
  const h = sent.confirmed.block.height;
  const incl = (await (await fetch(`${node.url}/log/proof/inclusion?height=${h}&size=${cpJson.size}`)).json()) as {
    root: string;
    leafHash: string;
    path: string[];
  };
  const b = (x: string): Uint8Array => new Uint8Array(Buffer.from(x, 'base64'));
  t.equal(incl.root, cpJson.root, 'inclusion proof at the checkpoint size has the checkpoint root');
  t.ok(verifyInclusion(b(incl.leafHash), h, cpJson.size, incl.path.map(b), b(cpJson.root)), 'inclusion proof verifies');
  const cons = (await (await fetch(`${node.url}/log/proof/consistency?from=1&to=${cpJson.size}`)).json()) as {
    fromRoot: string;
    toRoot: string;
    proof: string[];
  };
  t.ok(verifyConsistency(1, cpJson.size, b(cons.fromRoot), b(cons.toRoot), cons.proof.map(b)), 'consistency proof verifies');
  const raw = new Uint8Array(await (await fetch(`${node.url}/log/headers/${h}`)).arrayBuffer());
  t.equal(raw.length, 80);
  t.equal(toHexStr(leafHash(raw)), toHexStr(b(incl.leafHash)), 'raw header is the leaf');
  t.equal((await fetch(`${node.url}/log/proof/inclusion?height=${h}&size=999999`)).status, 400, 'a size beyond the log is a 400 with a code');
  const openapi = (await (await fetch(`${node.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  for (const path of ['/log/checkpoint', '/log/checkpoint.json', '/log/proof/inclusion', '/log/proof/consistency', '/log/headers/{height}'])
    t.ok(openapi.paths[path], `OpenAPI documents ${path}`);

  // Offline: the node is stopped first.
  await node.stop();
  // Without trusted witness keys a proof is never simply "valid" (SPEC 5): unanchored, exit status 3.
  const ok = await cli(['proof', 'verify', proofFile]);
  t.equal(ok.code, 3, ok.stderr);
  t.match(json(ok), {
    status: 'unanchored',
    valid: false,
    txid: sent.txid,
    actor: key.publicKey,
    kind: 'audit.login',
    subject: 'user-42',
    height: sent.confirmed.block.height,
  });
  const human = await runCli(['proof', 'verify', proofFile, '--network', 'regtest'], { home: dir });
  t.match(human.stdout, /proof is UNANCHORED/);
  const anchored = await cli(['proof', 'verify', proofFile, '--witnesses', witness.key]);
  t.equal(anchored.code, 0, anchored.stderr);
  t.match(json(anchored), { status: 'anchored', valid: true, witnesses: [witness.key.split('+')[0]], threshold: 1, height: sent.confirmed.block.height });
  const humanAnchored = await runCli(['proof', 'verify', proofFile, '--witnesses', witness.key], { home: dir });
  t.match(humanAnchored.stdout, /proof is valid and ANCHORED/);
  const otherKey = 'someone+2ec0f1ac+AXx2Zp1vAqBvBn3MiK3AqD9D3NsFiI2Wt1YrF5ISaDdM';
  const untrusted = await cli(['proof', 'verify', proofFile, '--witnesses', otherKey]);
  t.equal(untrusted.code, 1);
  t.match(errorCode(untrusted), /^(PROOF_CHECKPOINT_UNTRUSTED|NOTE_BAD_VERIFIER_KEY)$/);

  const tampered = (name: string, change: (d: Record<string, unknown>) => void): string => {
    const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
    change(copy);
    const f = join(dir, `${name}.json`);
    writeFileSync(f, JSON.stringify(copy));
    return f;
  };
  const flip = (hex: string, at: number): string => hex.slice(0, at) + (parseInt(hex[at]!, 16) ^ 1).toString(16) + hex.slice(at + 1);
  const cases: Array<[string, string, (d: Record<string, unknown>) => void]> = [
    ['path', 'PROOF_BAD_PATH', (d) => ((d.auditPath as string[])[0] = flip((d.auditPath as string[])[0] ?? '00'.repeat(32), 10))],
    ['txid', 'PROOF_TXID_MISMATCH', (d) => (d.txid = flip(d.txid as string, 0))],
    [
      'tx',
      'PROOF_TXID_MISMATCH',
      (d) =>
        (d.tx = (d.tx as string).replace('10.0.0.7', '10.0.0.8').replace(Buffer.from('10.0.0.7').toString('hex'), Buffer.from('10.0.0.9').toString('hex'))),
    ],
    ['header', 'PROOF_BLOCK_HASH_MISMATCH', (d) => (d.header = flip(d.header as string, 150))],
  ];
  const cp = doc.checkpoint as string;
  const sigAt = cp.lastIndexOf(' ') + 30; // inside the Ed25519 signature, past the 4-byte key ID
  cases.push(
    ['height', 'PROOF_HEIGHT_MISMATCH', (d) => (d.height = (d.height as number) + 1)],
    [
      'header path',
      'PROOF_BAD_HEADER_PATH',
      (d) =>
        (d.headerPath =
          (d.headerPath as string[]).length === 0 ? ['00'.repeat(32)] : [flip((d.headerPath as string[])[0]!, 3), ...(d.headerPath as string[]).slice(1)]),
    ],
    ['checkpoint signature', 'PROOF_BAD_WITNESS_SIGNATURE', (d) => (d.checkpoint = cp.slice(0, sigAt) + (cp[sigAt] === 'A' ? 'B' : 'A') + cp.slice(sigAt + 1))],
  );
  for (const [name, code, change] of cases) {
    const r = await cli(['proof', 'verify', tampered(name, change), '--witnesses', witness.key]);
    t.equal(r.code, 1, `tampered ${name} fails`);
    t.equal(errorCode(r), code, `tampered ${name}: ${code}`);
  }
  const other = await runCli(['proof', 'verify', proofFile, '--network', 'devnet'], { home: dir });
  t.equal(other.code, 1, 'a regtest proof does not verify as devnet');
  t.match(other.stderr, /error \[PROOF_/);
});
