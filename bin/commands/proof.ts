import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { verifyAnchoredProof, type AnchoredResult, type ProvenRecord } from '../../src/consensus/anchored-proof.js';
import { chainId, powLimit, type NetworkParams } from '../../src/consensus/networks.js';
import { ChainNodeError } from '../../src/errors.js';
import { logOrigin } from '../../src/log/checkpoint.js';
import { blockHashToHex } from '../../src/primitives/header.js';
import { allOptions, print } from './common.js';
import { baseFromFlags, isoTime, type ClientFlags } from './client-common.js';
import { resolveNetwork } from '../../src/consensus/network-file.js';
import { witnessKeysFrom } from '../../src/finality/witness-list.js';

/** Exit status of `proof verify` for a proof that is well formed but not anchored to trusted witnesses. */
export const EXIT_UNANCHORED = 3;

interface ProofFlags extends ClientFlags {
  witnesses?: string[];
  threshold?: string;
}

function describeWork(r: ProvenRecord): string {
  const w = r.work;
  const secs =
    w.coreSeconds < 1
      ? `${(w.coreSeconds * 1000).toPrecision(2)} ms`
      : w.coreSeconds < 86_400
        ? `${w.coreSeconds.toPrecision(3)} s`
        : `${(w.coreSeconds / 86_400).toPrecision(3)} days`;
  return `about 2^${w.log2Hashes} hashes, ${secs} of one CPU core`;
}

function summary(r: ProvenRecord): string {
  return `tx ${r.txid}\n  in block ${r.blockHash} (height ${r.height}, time ${isoTime(r.blockTime)})\n  actor ${r.actor}, kind ${r.kind}${r.subject === undefined ? '' : `, subject ${r.subject}`}`;
}

function report(r: Exclude<AnchoredResult, { status: 'invalid' }>): string {
  if (r.status === 'anchored') {
    return `proof is valid and ANCHORED: ${summary(r)}\n  proven by a checkpoint of the header log (size ${r.checkpointSize}) signed by ${r.witnesses.length} trusted witness(es): ${r.witnesses.join(', ')} (threshold ${r.threshold})`;
  }
  return [
    `proof is UNANCHORED (not verified against any witness): ${summary(r)}`,
    `  reason: ${r.reason}`,
    "  checked: the txid, the Merkle path to the header, the signature, and the header's proof of work against its own bits",
    `  the header's difficulty (bits 0x${r.work.bits.toString(16)}) means forging it costs ${describeWork(r)}`,
    "  NOT checked: that the header is in the network's chain; its time and height are only the header's own claims",
    '  to anchor it: chain-node proof verify <file> --witnesses <keys or file> [--threshold k]',
  ].join('\n');
}

/** `chain-node proof verify <file>`: offline verification of a record proof (SPEC 5, 12); needs no node. */
export function registerProof(program: Command): void {
  const proof = program.command('proof').description('record proofs (SPEC 5, 12)');
  proof
    .command('verify <file>')
    .description(
      `verify a record proof offline. Anchored (exit 0) only with --witnesses: the header is in the network's header log under a checkpoint signed by enough trusted witnesses. Without them the proof is reported UNANCHORED (exit ${EXIT_UNANCHORED}); an invalid proof exits 1 with its code. The proof's own network is used unless --network is given.`,
    )
    .option('--witnesses <keys...>', 'trusted witness verifier keys (<name>+<id>+<key>) or files of them, one per line')
    .option('--threshold <k>', 'signatures needed from the trusted witnesses (default: a majority of them)')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const flags = allOptions<ProofFlags>(cmd);
      let doc: unknown;
      try {
        doc = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        throw new ChainNodeError('PROOF_FILE_UNREADABLE', `cannot read proof file '${file}': ${(err as Error).message}`);
      }
      const own = typeof doc === 'object' && doc !== null ? (doc as { network?: unknown }).network : undefined;
      const name = flags.network ?? (typeof own === 'string' ? own : undefined);
      let net: NetworkParams | undefined;
      if (name !== undefined) {
        try {
          net = resolveNetwork(name, join(baseFromFlags(flags), 'networks'));
        } catch (err) {
          // An explicit --network must resolve; a proof naming a network this machine does not know is still checked.
          if (flags.network !== undefined) throw err;
        }
      }
      const witnesses = flags.witnesses === undefined ? [] : witnessKeysFrom(flags.witnesses);
      if (flags.witnesses !== undefined && witnesses.length === 0) throw new ChainNodeError('WITNESSES_EMPTY', '--witnesses named no keys');
      let threshold: number | undefined;
      if (flags.threshold !== undefined) {
        threshold = Number(flags.threshold);
        // A threshold above the number of trusted keys is allowed: no proof can meet it (PROOF_CHECKPOINT_UNTRUSTED).
        if (!Number.isInteger(threshold) || threshold < 1) throw new ChainNodeError('THRESHOLD_INVALID', '--threshold must be a positive integer');
      }
      const r = verifyAnchoredProof(doc, {
        witnesses,
        ...(threshold === undefined ? {} : { threshold }),
        ...(net === undefined ? {} : { powLimit: powLimit(net), chainId: chainId(net), origin: logOrigin(net.name, blockHashToHex(chainId(net))) }),
      });
      if (r.status === 'invalid') throw new ChainNodeError(r.code, `proof is INVALID: ${r.message}`);
      print(flags.json, { ...r, valid: r.status === 'anchored', anchored: r.status === 'anchored' }, report(r));
      if (r.status === 'unanchored') process.exitCode = EXIT_UNANCHORED;
    });
}
