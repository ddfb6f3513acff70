import { readFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { getNetwork, powLimit, chainId } from '../src/consensus/networks.js';
import { verifyRecordProof } from '../src/consensus/record-proof.js';
import { ChainNodeError } from '../src/errors.js';

interface GlobalOpts {
  json?: boolean;
}

function out(json: boolean | undefined, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}

/** Build the command tree. Commands print JSON with --json and exit non-zero on failure. */
export function buildProgram(): Command {
  const program = new Command('chain-node')
    .description('Peer-to-peer proof-of-work node for signed user actions')
    .version('0.1.0')
    .option('--json', 'machine-readable JSON output')
    .exitOverride();

  const proof = program.command('proof').description('record proofs (SPEC 5)');
  proof
    .command('verify <file>')
    .description('verify a record proof offline: txid, Merkle path, proof of work and signature')
    .option('--network <name>', 'also require the proof to belong to this network (genesis chain id and powLimit)')
    .action(async (file: string, opts: { network?: string }) => {
      const json = program.opts<GlobalOpts>().json;
      let doc: unknown;
      try {
        doc = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        throw new ChainNodeError('PROOF_FILE_UNREADABLE', `cannot read proof file '${file}': ${(err as Error).message}`);
      }
      const net = opts.network === undefined ? undefined : getNetwork(opts.network);
      const r = verifyRecordProof(doc, net === undefined ? {} : { powLimit: powLimit(net), chainId: chainId(net) });
      if (!r.valid) throw new ChainNodeError(r.code, `proof is INVALID: ${r.message}`);
      const { tx: _tx, ...summary } = r;
      out(json, summary, `proof is valid: tx ${r.txid}\n  in block ${r.blockHash} (height ${r.height}, time ${new Date(r.blockTime * 1000).toISOString()})\n  actor ${r.actor}, kind ${r.kind}${r.subject === undefined ? '' : `, subject ${r.subject}`}`);
    });
  return program;
}

/** CLI entry used by bin/chain-node. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    const json = program.opts<GlobalOpts>().json;
    const code = err instanceof ChainNodeError ? err.code : 'INTERNAL_ERROR';
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(json ? `${JSON.stringify({ error: { code, message } })}\n` : `error [${code}]: ${message}\n`);
    process.exitCode = 1;
  }
}
