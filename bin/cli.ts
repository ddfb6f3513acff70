import { Command, CommanderError, type Option } from 'commander';
import { ChainNodeError, type ErrorCode } from '../src/errors.js';
import { VERSION } from './commands/common.js';
import { registerConfig } from './commands/config-cmd.js';
import { registerInit } from './commands/init.js';
import { registerKey } from './commands/key.js';
import { registerTx } from './commands/tx.js';
import { registerProof } from './commands/proof.js';
import { registerWitness } from './commands/witness.js';
import { registerDoc } from './commands/doc.js';
import { registerQueries } from './commands/query.js';
import { registerExport } from './commands/export.js';
import { registerMining } from './commands/mining.js';
import { registerLoad } from './commands/load.js';
import { registerCluster } from './commands/cluster.js';
import { registerCompletion } from './commands/completion.js';
import { registerHelp } from './commands/help-topics.js';
import { registerMempool } from './commands/mempool.js';
import { registerToken } from './commands/token.js';
import { registerWatch } from './commands/watch.js';
import { flagDoc } from '../src/config/schema.js';

interface GlobalOpts {
  json?: boolean;
}

/** The `start` command's module: it loads the whole daemon (fastify, LevelDB, ...), so only when needed. */
type StartModule = typeof import('./commands/start.js');

/** True when `argv` may run or describe `start` (so the daemon's modules must load). */
function needsStart(argv: string[]): boolean {
  const args = argv.slice(2);
  return args.length === 0 || args.some((a) => a === 'start' || a === 'help' || a === '--help' || a === '-h' || a === 'completion');
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
    .option('--network <name>', flagDoc('network'))
    .option('--datadir <dir>', flagDoc('datadir'))
    .option('--config <file>', 'config file (default <datadir>/config.json)')
    .option('--strict-config', 'refuse a config file with unknown keys (default: warn and ignore them)')
    .option('--api <url>', "node API URL for client commands (default http://127.0.0.1:<the network's API port>)")
    .option('--cookie <file>', 'admin token file for admin commands (default <datadir>/api.cookie)')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ outputError: () => undefined })
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
  registerExport(program);
  registerMining(program);
  registerLoad(program);
  registerCluster(program);
  registerMempool(program);
  registerToken(program);
  registerWatch(program);
  registerCompletion(program);
  registerHelp(program);
  deferMandatoryOptions(program);
  return program;
}

/**
 * Commander checks required options before unknown ones, so `--kye` got "required option --key not specified".
 * Required options are checked here instead, in a preAction hook (after the unknown-option check and its "did
 * you mean" suggestion).
 */
function deferMandatoryOptions(program: Command): void {
  const walk = (cmd: Command): void => {
    for (const o of cmd.options) {
      if (!o.mandatory) continue;
      o.mandatory = false;
      o.description = `${o.description} (required)`;
      requiredOptions.set(o, cmd);
    }
    cmd.commands.forEach(walk);
  };
  const requiredOptions = new Map<Option, Command>();
  walk(program);
  program.hook('preAction', (_program, action) => {
    for (const [o, owner] of requiredOptions) {
      if (owner === action && action.getOptionValue(o.attributeName()) === undefined) {
        throw new CommanderError(1, 'commander.missingMandatoryOptionValue', `error: required option '${o.flags}' not specified`);
      }
    }
  });
}

/** Stable codes for command-line usage errors (commander's own codes are not part of our interface). */
const USAGE_CODES: Readonly<Record<string, ErrorCode>> = {
  'commander.unknownCommand': 'CLI_UNKNOWN_COMMAND',
  'commander.unknownOption': 'CLI_UNKNOWN_OPTION',
  'commander.missingMandatoryOptionValue': 'CLI_MISSING_OPTION',
  'commander.missingArgument': 'CLI_MISSING_ARGUMENT',
  'commander.optionMissingArgument': 'CLI_OPTION_MISSING_VALUE',
  'commander.excessArguments': 'CLI_EXCESS_ARGUMENTS',
  'commander.invalidArgument': 'CLI_INVALID_ARGUMENT',
  'commander.conflictingOption': 'CLI_CONFLICTING_OPTIONS',
};

/** Help and version output end the parse with a CommanderError too; they are not errors. */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version', 'commander.executeSubCommandAsync']);

function reportError(json: boolean, code: ErrorCode, message: string): void {
  process.stderr.write(json ? `${JSON.stringify({ error: { code, message } })}\n` : `error [${code}]: ${message}\n`);
}

/** CLI entry used by bin/chain-node. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(needsStart(argv) ? await import('./commands/start.js') : undefined);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    // --json is honoured even when the arguments did not parse (the option may not have been reached).
    const json = program.opts<GlobalOpts>().json === true || argv.slice(2).includes('--json');
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      if (NOT_ERRORS.has(err.code)) return;
      // commander's text: "error: unknown option '--kye'\n(Did you mean --key?)"
      const message = err.message
        .replace(/^error: /, '')
        .split('\n')
        .filter(Boolean)
        .join(' ');
      reportError(json, USAGE_CODES[err.code] ?? 'CLI_USAGE', message);
      return;
    }
    const code = err instanceof ChainNodeError ? err.code : 'INTERNAL_ERROR';
    const message = err instanceof Error ? err.message : String(err);
    reportError(json, code, message);
    process.exitCode = 1;
  }
}
