import { Command, CommanderError } from 'commander';
import { ChainNodeError } from '../src/errors.js';
import { VERSION } from './commands/common.js';
import { registerConfig } from './commands/config-cmd.js';
import { registerInit } from './commands/init.js';
import { registerKey } from './commands/key.js';
import { registerTx } from './commands/tx.js';
import { registerProof } from './commands/proof.js';
import { registerWitness } from './commands/witness.js';
import { registerDoc } from './commands/doc.js';
import { registerQueries } from './commands/query.js';
import { registerMining } from './commands/mining.js';
import { registerLoad } from './commands/load.js';
import { registerCluster } from './commands/cluster.js';

interface GlobalOpts {
  json?: boolean;
}

/** The `start` command's module: it loads the whole daemon (fastify, LevelDB, ...), so only when needed. */
type StartModule = typeof import('./commands/start.js');

/** True when `argv` may run or describe `start` (so the daemon's modules must load). */
function needsStart(argv: string[]): boolean {
  const args = argv.slice(2);
  return args.length === 0 || args.some((a) => a === 'start' || a === 'help' || a === '--help' || a === '-h');
}

/**
 * Build the command tree. Commands print JSON with --json and exit non-zero on failure. `start` is registered
 * when its module is given (client commands start ~5x faster without loading the daemon).
 */
export function buildProgram(start?: StartModule): Command {
  const program = new Command('chain-node')
    .description('Peer-to-peer proof-of-work node for signed user actions')
    .version(VERSION)
    .option('--json', 'machine-readable JSON output')
    .option('--network <name>', 'network: devnet (default), main, regtest or a custom one')
    .option('--datadir <dir>', 'data directory (default ~/.chain-node/<network>)')
    .option('--config <file>', 'config file (default <datadir>/config.json)')
    .exitOverride();
  start?.registerStart(program);
  registerConfig(program);
  registerInit(program);
  registerKey(program);
  registerTx(program);
  registerProof(program);
  registerWitness(program);
  registerDoc(program);
  registerQueries(program);
  registerMining(program);
  registerLoad(program);
  registerCluster(program);
  return program;
}

/** CLI entry used by bin/chain-node. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(needsStart(argv) ? await import('./commands/start.js') : undefined);
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
