import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadOrCreateWitnessKey } from '../../src/finality/witness-key.js';
import { allOptions, configFrom, print } from './common.js';

/** `chain-node witness key`: this node's witness verifier key (SPEC 12), creating witness.key on first use. */
export function registerWitness(program: Command): void {
  const witness = program.command('witness').description('witnessed finality (SPEC 12)');
  witness
    .command('key')
    .description(
      "print this node's witness verifier key (<name>+<key id>+<key>), creating <datadir>/witness.key (0600) on first use; give it to the operators who configure this node as a witness",
    )
    .action(async (_o: unknown, cmd: Command) => {
      const flags = allOptions<Record<string, unknown>>(cmd);
      const { config } = configFrom({ network: flags.network, datadir: flags.datadir, config: flags.config });
      await mkdir(config.datadir, { recursive: true });
      const { signer, created, path } = await loadOrCreateWitnessKey(config.datadir, config.network);
      print(flags.json as boolean | undefined, { key: signer.vkey, name: signer.name, file: path, created }, signer.vkey);
    });
}
