import type { Command } from 'commander';
import { parseVerifierList } from '../../src/log/note.js';
import { witnessKeysFrom } from '../../src/finality/witness-list.js';
import { ensureSameChain, sendAction } from '../../src/client/actions.js';
import { waitProgress } from './wait-progress.js';
import { certifyAction, digestFile, verifyDocument } from '../../src/client/doc.js';
import { print } from './common.js';
import { clientContext, intOption, isoTime, keystoreFrom, numberOption, unlockKey, withApi, withKeystore } from './client-common.js';

/** `chain-node doc certify|verify <file>`: anchor a document's SHA-256 and prove later that it existed. */
export function registerDoc(program: Command): void {
  const doc = program.command('doc').description('document certification: anchor a file hash, verify it later with an offline-checked proof');

  withKeystore(
    withApi(
      doc
        .command('certify <file>')
        .description('sign a doc.certify action (subject = SHA-256 of the file, payload {name, size, sha256}) and submit it')
        .requiredOption('--key <name>', 'stored key that certifies')
        .option('--wait <n>', 'wait until the certification has n confirmations')
        .option('--timeout <seconds>', 'give up waiting after this long (default 120)'),
    ),
  ).action(async (file: string, _o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const f = ctx.flags as typeof ctx.flags & { key: string; wait?: string; timeout?: string };
    const wait = intOption(f.wait, '--wait');
    const timeout = numberOption(f.timeout, '--timeout');
    const digest = await digestFile(file);
    const sk = await unlockKey(ctx.flags, f.key);
    await ensureSameChain(ctx.client, ctx.chainId, ctx.network.name);
    const r = await sendAction(ctx.client, sk, certifyAction(digest), {
      chainId: ctx.chainId,
      ...(wait === undefined ? {} : { wait }),
      ...(timeout === undefined ? {} : { timeoutMs: timeout * 1000 }),
      ...(wait === undefined || wait === 0 ? {} : { progress: waitProgress(wait) }),
    });
    const human = [`certification of ${digest.name} submitted: tx ${r.txid} (${r.status})`, `  sha256  ${digest.sha256}`, `  actor   ${r.actor}`];
    if (r.confirmed?.block !== undefined)
      human.push(`  mined   block ${r.confirmed.block.height} at ${isoTime(r.confirmed.block.time)} (${r.confirmed.confirmations} confirmations)`);
    print(ctx.json, { document: digest, ...r }, human.join('\n'));
  });

  withKeystore(
    withApi(
      doc
        .command('verify <file>')
        .description(
          'check that a file was certified: when, by whom, with how many confirmations; the proof is verified offline. ' +
            'Exit status: 0 certified, 2 pending (submitted, 0 confirmations), 1 not certified or an error',
        )
        .option('--actor <publicKey>', 'only certifications by this actor')
        .option('--witnesses <keys...>', 'trusted witness verifier keys or files of them (default: the witness set the node reports)')
        .option('--threshold <k>', 'signatures needed from the trusted witnesses (default: a majority)')
        .option('--key <name>', "only certifications by this stored key's actor"),
    ),
  ).action(async (file: string, _o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const f = ctx.flags as typeof ctx.flags & { actor?: string; key?: string; witnesses?: string[]; threshold?: string };
    const actor = f.actor ?? (f.key === undefined ? undefined : (await keystoreFrom(ctx.flags).show(f.key)).publicKey);
    await ensureSameChain(ctx.client, ctx.chainId, ctx.network.name);
    // Witness keys from --witnesses are trusted offline; the node's own list only says what the node believes.
    let witnesses = f.witnesses === undefined ? [] : witnessKeysFrom(f.witnesses);
    let keysFrom = f.witnesses === undefined ? 'none' : 'flag';
    if (f.witnesses === undefined) {
      const cp = await ctx.client.finalCheckpoint().catch(() => undefined);
      if (cp !== undefined) {
        witnesses = parseVerifierList(cp.witnesses);
        keysFrom = 'node';
      }
    }
    const threshold = f.threshold === undefined ? undefined : Number(f.threshold);
    const r = await verifyDocument(ctx.client, file, {
      verify: ctx.verify,
      witnesses,
      ...(threshold === undefined ? {} : { threshold }),
      ...(actor === undefined ? {} : { actor }),
    });
    if (!r.certified) {
      const p = r.pending[0]!;
      print(
        ctx.json,
        { certified: false, status: 'pending', document: r.document, confirmations: 0, txid: p.txid, actor: p.actor, pending: r.pending },
        [
          `${r.document.name} is PENDING: certification submitted, 0 confirmations (sha256 ${r.document.sha256})`,
          `  by            ${p.actor}`,
          `  tx            ${p.txid}`,
          '  run `doc verify` again once it is mined (or certify with --wait 1)',
        ].join('\n'),
      );
      process.exitCode = 2;
      return;
    }
    const c = r.first;
    const json = {
      certified: true,
      status: 'certified',
      document: r.document,
      certifiedAt: isoTime(c.blockTime),
      blockTime: c.blockTime,
      actor: c.actor,
      txid: c.txid,
      height: c.height,
      blockHash: c.blockHash,
      confirmations: c.confirmations,
      proofValid: true,
      final: c.final,
      witnesses: c.witnesses,
      witnessKeysFrom: keysFrom,
      certifications: r.certifications.map(({ proof: _p, ...rest }) => rest),
    };
    print(
      ctx.json,
      json,
      [
        `${r.document.name} is CERTIFIED (sha256 ${r.document.sha256})`,
        `  certified at  ${isoTime(c.blockTime)} (block ${c.height}, ${c.blockHash})`,
        `  by            ${c.actor}`,
        `  confirmations ${c.confirmations}`,
        `  tx            ${c.txid}`,
        `  proof         verified offline (Merkle path, proof of work, signature)`,
        c.final
          ? `  finality      FINAL: its header is under a checkpoint signed by ${c.witnesses.length} witness(es) (${c.witnesses.join(', ')}; keys from ${keysFrom === 'flag' ? '--witnesses' : 'the node'})`
          : '  finality      NOT FINAL yet: no final checkpoint covers its block (or no trusted witness keys)',
        ...(r.certifications.length > 1 ? [`  (${r.certifications.length} certifications in all)`] : []),
      ].join('\n'),
    );
  });
}
