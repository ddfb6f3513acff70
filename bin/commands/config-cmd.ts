import type { Command } from 'commander';
import { describeConfig } from '../../src/config/resolve.js';
import { allOptions, configFrom, print } from './common.js';

/** `chain-node config`: print the effective configuration and where each value came from. */
export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('print the effective configuration and the source of each value (default, file, env, flag)')
    .action((_opts: unknown, cmd: Command) => {
      const flags = allOptions<Record<string, unknown>>(cmd);
      const resolved = configFrom(flags);
      const rows = describeConfig(resolved);
      const width = Math.max(...rows.map((r) => r.key.length));
      print(
        flags.json,
        { file: resolved.file ?? null, config: resolved.config, sources: resolved.sources },
        [
          `config file: ${resolved.file ?? '(none)'}`,
          ...rows.map((r) => `${r.key.padEnd(width)}  ${JSON.stringify(r.value)}  (${r.source}${r.source === 'env' ? ` ${r.env}` : ''})`),
        ].join('\n'),
      );
    });
}
