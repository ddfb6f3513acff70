import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ensureSameChain, sendAction } from '../../src/client/actions.js';
import { checkpointSigners, waitForFinalProof, type FinalWaitProgress } from '../../src/client/wait-final.js';
import { waitProgress } from './wait-progress.js';
import { parsePayload } from '../../src/wallet/tx-signer.js';
import { ChainNodeError } from '../../src/errors.js';
import type { TxStatusJson } from '../../src/api/types.js';
import { print } from './common.js';
import { clientContext, intOption, isoTime, numberOption, txidArgument, unlockKey, withApi, withKeystore } from './client-common.js';

interface SendFlags {
  key: string;
  kind: string;
  subject?: string;
  payload?: string;
  payloadFile?: string;
  wait?: string;
  waitFinal?: string | boolean;
  timeout?: string;
}

/** `--wait-final [seconds]`: the limit in milliseconds (default 120 s), or undefined when not asked. */
function waitFinalMs(v: string | boolean | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = typeof v === 'string' ? Number(v) : 120;
  if (!Number.isFinite(s) || s <= 0) throw new ChainNodeError('WAIT_INVALID', '--wait-final takes a positive number of seconds');
  return s * 1000;
}

/** Finality progress on stderr, one line each time the latest final block changes. */
function finalProgress(): (p: FinalWaitProgress) => void {
  let last: string | undefined;
  return (p) => {
    const line = `waiting for finality: block ${p.height}, latest final block ${p.finalHeight ?? 'none'}`;
    if (line !== last) process.stderr.write(`${line}\n`);
    last = line;
  };
}

/** Human lines for GET /txs/:txid. */
export function describeTx(r: TxStatusJson): string {
  const t = r.tx;
  return [
    `tx ${t.txid} (${r.status}${r.status === 'mined' ? `, ${r.confirmations} confirmations` : ''})`,
    ...(r.block === undefined ? [] : [`  block    ${r.block.hash} (height ${r.block.height}, index ${r.block.index}, ${isoTime(r.block.time)})`]),
    `  actor    ${t.from} (nonce ${t.nonce})`,
    `  kind     ${t.kind}${t.subject === undefined ? '' : `\n  subject  ${t.subject}`}`,
    `  payload  ${JSON.stringify(t.payload)}`,
    `  size     ${t.size} bytes`,
  ].join('\n');
}

/** `chain-node tx send|get|proof`. */
export function registerTx(program: Command): void {
  const tx = program.command('tx').description('sign and submit actions, look them up, get their proofs');

  withKeystore(
    withApi(
      tx
        .command('send')
        .description('sign an action with a stored key and submit it (nonce from the node, signature made here)')
        .requiredOption('--key <name>', 'stored key that signs (the actor)')
        .requiredOption('--kind <kind>', 'action kind, e.g. audit.login, supply.shipped, metric, review')
        .option('--subject <subject>', 'what the action is about (indexed): a document hash, an item id, ...')
        .option('--payload <json>', 'the action data as JSON (default null)')
        .option('--payload-file <file>', 'read the JSON payload from a file')
        .option('--wait <n>', 'wait until the action has n confirmations')
        .option('--wait-final [seconds]', 'then wait until a final checkpoint covers its block (default 120 s), printing progress on stderr')
        .option('--timeout <seconds>', 'give up waiting after this long (default 120)'),
    ),
  ).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const f = ctx.flags as typeof ctx.flags & SendFlags;
    if (f.payload !== undefined && f.payloadFile !== undefined) throw new ChainNodeError('BAD_OPTION', 'give --payload or --payload-file, not both');
    let payload: unknown = null;
    if (f.payload !== undefined) payload = parsePayload(f.payload);
    if (f.payloadFile !== undefined) {
      let text: string;
      try {
        text = await readFile(f.payloadFile, 'utf8');
      } catch (err) {
        throw new ChainNodeError('TX_BAD_PAYLOAD', `cannot read ${f.payloadFile}: ${(err as Error).message}`);
      }
      payload = parsePayload(text, f.payloadFile);
    }
    const finalMs = waitFinalMs(f.waitFinal);
    // Finality needs the block first: --wait-final alone waits for one confirmation.
    const wait = intOption(f.wait, '--wait') ?? (finalMs === undefined ? undefined : 1);
    const timeout = numberOption(f.timeout, '--timeout');
    const sk = await unlockKey(ctx.flags, f.key);
    await ensureSameChain(ctx.client, ctx.chainId, ctx.network.name);
    const r = await sendAction(
      ctx.client,
      sk,
      { kind: f.kind, ...(f.subject === undefined ? {} : { subject: f.subject }), payload },
      {
        chainId: ctx.chainId,
        ...(wait === undefined ? {} : { wait }),
        ...(timeout === undefined ? {} : { timeoutMs: timeout * 1000 }),
        ...(wait === undefined || wait === 0 ? {} : { progress: waitProgress(wait) }),
      },
    );
    const human = [`tx ${r.txid} ${r.status}`, `  actor  ${r.actor} (nonce ${r.nonce})`];
    if (r.confirmed?.block !== undefined)
      human.push(`  mined  block ${r.confirmed.block.hash} (height ${r.confirmed.block.height}, ${r.confirmed.confirmations} confirmations)`);
    if (finalMs === undefined) {
      print(ctx.json, r, human.join('\n'));
      return;
    }
    const proof = await waitForFinalProof(ctx.client, r.txid, { limitMs: finalMs, onProgress: finalProgress() });
    const signers = checkpointSigners(proof.checkpoint);
    const size = Number(proof.checkpoint.split('\n')[1]);
    human.push(`  final  under checkpoint of size ${size}, signed by ${signers.length} witness(es): ${signers.join(', ')}`);
    print(ctx.json, { ...r, final: { checkpointSize: size, witnesses: signers } }, human.join('\n'));
  });

  withApi(tx.command('get <txid>').description('a transaction, mined or pending')).action(async (txid: string, _o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const r = await ctx.client.tx(txidArgument(txid));
    print(ctx.json, r, describeTx(r));
  });

  withApi(
    tx
      .command('proof <txid>')
      .description(
        "a mined transaction's record proof: version 2 (anchored to a final checkpoint) once one covers its block (verify it offline with `proof verify --witnesses`)",
      )
      .option('--out <file>', 'write the proof to this file instead of stdout')
      .option('--wait-final [seconds]', 'wait until a final checkpoint covers the block (default 120 s), printing progress on stderr'),
  ).action(async (txid: string, _o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const { out, waitFinal } = ctx.flags as { out?: string; waitFinal?: string | boolean };
    const finalMs = waitFinalMs(waitFinal);
    const proof =
      finalMs === undefined ? await ctx.client.proof(txid) : await waitForFinalProof(ctx.client, txid, { limitMs: finalMs, onProgress: finalProgress() });
    const text = `${JSON.stringify(proof, null, 2)}\n`;
    if (out === undefined) {
      process.stdout.write(text);
      return;
    }
    try {
      await writeFile(out, text);
    } catch (err) {
      throw new ChainNodeError('PROOF_FILE_UNWRITABLE', `cannot write ${out}: ${(err as Error).message}`);
    }
    print(
      ctx.json,
      { txid: proof.txid, blockHash: proof.blockHash, height: proof.height, file: out },
      `proof of ${proof.txid} (block ${proof.height}) written to ${out}`,
    );
  });
}
