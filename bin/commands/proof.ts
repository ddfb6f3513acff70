import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { verifyRecordProof } from '../../src/consensus/record-proof.js';
import { chainId, powLimit } from '../../src/consensus/networks.js';
import { ChainNodeError } from '../../src/errors.js';
import { allOptions, print } from './common.js';
import { baseFromFlags, isoTime, type ClientFlags } from './client-common.js';
import { resolveNetwork } from '../../src/consensus/network-file.js';

/** `chain-node proof verify <file>`: offline verification of a record proof (SPEC 5); needs no node. */
export function registerProof(program: Command): void {
  const proof = program.command('proof').description('record proofs (SPEC 5)');
  proof
    .command('verify <file>')
    .description('verify a record proof offline: txid, Merkle path, proof of work and signature (with --network, also its chain)')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const flags = allOptions<ClientFlags>(cmd);
      let doc: unknown;
      try {
        doc = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        throw new ChainNodeError('PROOF_FILE_UNREADABLE', `cannot read proof file '${file}': ${(err as Error).message}`);
      }
      const net = flags.network === undefined ? undefined : resolveNetwork(flags.network, join(baseFromFlags(flags), 'networks'));
      const r = verifyRecordProof(doc, net === undefined ? {} : { powLimit: powLimit(net), chainId: chainId(net) });
      if (!r.valid) throw new ChainNodeError(r.code, `proof is INVALID: ${r.message}`);
      const { tx: _tx, ...summary } = r;
      print(
        flags.json,
        summary,
        `proof is valid: tx ${r.txid}\n  in block ${r.blockHash} (height ${r.height}, time ${isoTime(r.blockTime)})\n  actor ${r.actor}, kind ${r.kind}${r.subject === undefined ? '' : `, subject ${r.subject}`}`,
      );
    });
}
