import { join } from 'node:path';
import type { Command } from 'commander';
import { CONFIG_KEYS } from '../../src/config/schema.js';
import { ChainNodeError } from '../../src/errors.js';
import { packageRoot } from '../../src/version.js';

const examples = (): string => join(packageRoot(), 'examples');

/** Topics of `chain-node help <topic>`, generated from the code where they can be (the config key table). */
const TOPICS: Readonly<Record<string, { summary: string; text: () => string }>> = {
  config: {
    summary: 'every configuration key: config file path, environment variable, flag, meaning',
    text: () =>
      [
        'Configuration: network preset defaults, then the config file (--config <file>, else <datadir>/config.json),',
        'then CHAIN_NODE_* environment variables, then flags. `chain-node config` shows the effective values and',
        'where each came from. Unknown keys in the file are warned about (--strict-config refuses them).',
        `Example with every key: ${join(examples(), 'config.json')}`,
        '',
        ...CONFIG_KEYS.map((k) => `  ${k.path.padEnd(24)} ${k.type.padEnd(6)} ${k.env.padEnd(30)} ${k.doc}`),
      ].join('\n'),
  },
  genesis: {
    summary: 'the genesis file `chain-node init <file>` reads to create a custom network',
    text: () =>
      [
        `A JSON object (example: ${join(examples(), 'genesis.json')}):`,
        '  name            required; the network name (not devnet, main or regtest)',
        '  powLimitBits    required; easiest target, compact form ("0x1f0fffff" or a number)',
        '  targetSpacing   required; seconds between blocks',
        '  halfLife        required; ASERT half-life in seconds',
        '  bits            genesis difficulty (default powLimitBits)',
        '  time            genesis time, unix seconds (default now)',
        '  version         header version (default 1)',
        '  miner, extra    genesis meta: miner tag, extra (<= 32 bytes UTF-8, default the name)',
        '  limits          {maxBlockBytes (4 MiB), maxTxBytes (64 KiB), maxFutureDrift (7200 s)}',
        '  ports           {p2p (18333), api (18332)}',
        'init mines the genesis nonce and writes <base>/networks/<name>.json; then: chain-node start --network <name>.',
      ].join('\n'),
  },
  environment: {
    summary: 'environment variables the CLI reads',
    text: () =>
      [
        ...CONFIG_KEYS.map((k) => `  ${k.env.padEnd(30)} ${k.path}`),
        '  CHAIN_NODE_PASSPHRASE          key passphrase (else --passphrase-file, else a prompt)',
        '  CHAIN_NODE_KEYSTORE            key directory (default <base>/keys)',
        '  CHAIN_NODE_CLUSTER_DIR         cluster directory (default ~/.chain-node/cluster)',
        '  CHAIN_NODE_SKIP_NATIVE=1       npm install: do not build the native addon',
      ].join('\n'),
  },
  'exit-status': {
    summary: 'exit codes and the error format',
    text: () =>
      [
        '  0  success',
        '  1  an error: `error [CODE]: message` on stderr, or {"error":{"code","message"}} with --json',
        '  2  doc verify: the certification is pending (submitted, 0 confirmations)',
        '  3  proof verify: the proof checks out but is UNANCHORED (no final checkpoint signed by enough trusted',
        '     witnesses covers its header: give --witnesses, or wait for finality with tx proof --wait-final)',
        'Codes are stable (tests assert them); command-line usage errors are CLI_* (CLI_UNKNOWN_OPTION, ...).',
      ].join('\n'),
  },
};

/** `chain-node help [topic|command...]`: a command's help, a topic, or the list of both. */
export function registerHelp(program: Command): void {
  program.helpCommand(false);
  program
    .command('help [topic...]')
    .description(`help for a command, or a topic: ${Object.keys(TOPICS).join(', ')}`)
    .action((topic: string[]) => {
      if (topic.length === 0) {
        program.outputHelp();
        process.stdout.write(
          `\nTopics (chain-node help <topic>):\n${Object.entries(TOPICS)
            .map(([n, t]) => `  ${n.padEnd(12)} ${t.summary}`)
            .join('\n')}\n`,
        );
        return;
      }
      const t = TOPICS[topic[0]!];
      if (t !== undefined && topic.length === 1) {
        process.stdout.write(`${t.text()}\n`);
        return;
      }
      let cmd: Command | undefined = program;
      for (const name of topic) cmd = cmd?.commands.find((c) => c.name() === name || c.aliases().includes(name));
      if (cmd === undefined)
        throw new ChainNodeError('HELP_UNKNOWN_TOPIC', `no command or topic '${topic.join(' ')}' (topics: ${Object.keys(TOPICS).join(', ')})`);
      cmd.outputHelp();
    });
}
