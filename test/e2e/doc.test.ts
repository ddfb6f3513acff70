// (c) doc certify + doc verify with an offline-checked proof; a modified document is not certified.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, errorCode, json, runCli, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

t.test('certify a document, verify it, and reject a modified copy', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const node = await startNode(t, { datadir, home: dir });
  const pass = join(dir, 'pass.txt');
  writeFileSync(pass, 'notary passphrase\n', { mode: 0o600 });
  const g = ['--network', 'regtest', '--datadir', datadir, '--api', node.url, '--json'];
  const cli = (args: string[]): ReturnType<typeof runCli> => runCli([...args, ...g], { home: dir });

  const key = await runCli(['key', 'generate', 'notary', '--passphrase-file', pass, '--datadir', datadir, '--json'], { home: dir });
  t.equal(key.code, 0, key.stderr);
  const actor = json<{ publicKey: string }>(key).publicKey;

  const contract = join(dir, 'contract.pdf');
  writeFileSync(contract, `%PDF-1.7\nterms and conditions ${Date.now()}\n`);
  const notYet = await cli(['doc', 'verify', contract]);
  t.equal(notYet.code, 1);
  t.equal(errorCode(notYet), 'DOC_NOT_CERTIFIED', 'nothing certified yet');

  const cert = await cli(['doc', 'certify', contract, '--key', 'notary', '--passphrase-file', pass, '--wait', '1']);
  t.equal(cert.code, 0, cert.stderr);
  const c = json<{ txid: string; document: { sha256: string; name: string; size: number }; confirmed: { block: { time: number } } }>(cert);
  t.equal(c.document.name, 'contract.pdf');
  t.match(c.document.sha256, /^[0-9a-f]{64}$/);

  const ok = await cli(['doc', 'verify', contract]);
  t.equal(ok.code, 0, ok.stderr);
  const v = json<{ certified: boolean; actor: string; txid: string; blockTime: number; certifiedAt: string; confirmations: number; proofValid: boolean }>(ok);
  t.equal(v.certified, true);
  t.equal(v.actor, actor, 'by whom');
  t.equal(v.txid, c.txid);
  t.equal(v.blockTime, c.confirmed.block.time, 'when: the block time');
  t.equal(v.certifiedAt, new Date(v.blockTime * 1000).toISOString());
  t.ok(v.confirmations >= 1);
  t.equal(v.proofValid, true);

  const human = await runCli(['doc', 'verify', contract, '--network', 'regtest', '--api', node.url, '--actor', actor], { home: dir });
  t.equal(human.code, 0, human.stderr);
  t.match(human.stdout, /contract\.pdf is CERTIFIED/);
  t.match(human.stdout, /verified offline/);

  const subject = await cli(['subject', c.document.sha256]);
  t.equal(subject.code, 0, subject.stderr);
  t.equal(json<{ items: Array<{ tx: { kind: string } }> }>(subject).items[0]?.tx.kind, 'doc.certify');

  const byOther = await cli(['doc', 'verify', contract, '--actor', `02${'11'.repeat(32)}`]);
  t.equal(errorCode(byOther), 'DOC_NOT_CERTIFIED', 'not certified by someone else');

  appendFileSync(contract, 'one more clause\n');
  const modified = await cli(['doc', 'verify', contract]);
  t.equal(modified.code, 1, 'a modified document fails');
  t.equal(errorCode(modified), 'DOC_NOT_CERTIFIED');
  const missing = await cli(['doc', 'verify', join(dir, 'nope.pdf')]);
  t.equal(errorCode(missing), 'DOC_UNREADABLE');
});

t.test('doc verify right after doc certify reports pending, 0 confirmations (exit 2), then certified once mined', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const node = await startNode(t, { datadir, home: dir, mine: false });
  const pass = join(dir, 'pass.txt');
  writeFileSync(pass, 'notary passphrase\n', { mode: 0o600 });
  const g = ['--network', 'regtest', '--datadir', datadir, '--api', node.url];
  const key = await runCli(['key', 'generate', 'notary', '--passphrase-file', pass, ...g, '--json'], { home: dir });
  t.equal(key.code, 0, key.stderr);
  const doc = join(dir, 'minutes.txt');
  writeFileSync(doc, `board minutes ${Date.now()}\n`);

  const cert = await runCli(['doc', 'certify', doc, '--key', 'notary', '--passphrase-file', pass, ...g, '--json'], { home: dir });
  t.equal(cert.code, 0, cert.stderr);
  const txid = json<{ txid: string }>(cert).txid;

  const pending = await runCli(['doc', 'verify', doc, ...g, '--json'], { home: dir });
  t.equal(pending.code, 2, `pending has its own exit status: ${pending.stderr}`);
  t.match(json(pending), { certified: false, status: 'pending', confirmations: 0, txid, actor: json<{ publicKey: string }>(key).publicKey });
  const human = await runCli(['doc', 'verify', doc, ...g], { home: dir });
  t.equal(human.code, 2);
  t.match(human.stdout, /minutes\.txt is PENDING: certification submitted, 0 confirmations/);
  t.notMatch(human.stderr, /DOC_NOT_CERTIFIED/);

  const start = await runCli(['mining', 'start', ...g, '--json'], { home: dir });
  t.equal(start.code, 0, start.stderr);
  const mined = await waitFor(
    'the certification to be mined',
    async () => {
      const r = await runCli(['doc', 'verify', doc, ...g, '--json'], { home: dir });
      return r.code === 0 ? r : undefined;
    },
    60_000,
    1000,
  );
  t.match(json(mined), { certified: true, status: 'certified', txid });
});
