import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { describeUnknownKey, resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { loadNetworkFile } from '../../src/consensus/network-file.js';

import { packageVersion } from '../../src/version.js';

/** Package version read once from package.json. */
export const VERSION: string = packageVersion();

/** Global options every command sees. */
export interface GlobalOptions {
  json?: boolean;
  network?: string;
  datadir?: string;
  config?: string;
}

/** Merge the root program's options with a command's own. */
export function allOptions<T extends object>(cmd: Command): T & GlobalOptions {
  return cmd.optsWithGlobals<T & GlobalOptions>();
}

/** Resolve the configuration from flags, CHAIN_NODE_* variables and the config file. */
export function configFrom(flags: Record<string, unknown>): ResolvedConfig {
  // `--api <url>` (global, for client commands) shares its property with start's `--no-api` (api.enabled).
  if (typeof flags.api === 'string') {
    flags = { ...flags };
    delete flags.api;
  }
  const configPath = typeof flags.config === 'string' ? flags.config : undefined;
  // Custom networks live in <base>/networks, base = the datadir's parent (as `start` and `init` use it).
  const datadir = typeof flags.datadir === 'string' ? flags.datadir : process.env.CHAIN_NODE_DATADIR;
  const resolved = resolveConfig({
    flags,
    env: process.env,
    strict: flags.strictConfig === true,
    ...(configPath === undefined ? {} : { configPath }),
    loadNetwork: (name, base) => loadNetworkFile(join(datadir === undefined ? base : dirname(resolve(datadir)), 'networks', `${name}.json`)),
  });
  for (const u of resolved.unknownKeys) {
    process.stderr.write(`warning [CONFIG_UNKNOWN_KEY]: config file ${resolved.file}: ${describeUnknownKey(u)} is ignored (--strict-config refuses it)\n`);
  }
  return resolved;
}

/** Print a result: JSON with --json, else the human text. */
export function print(json: boolean | undefined, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}
