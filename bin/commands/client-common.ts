import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiClient } from '../../src/client/api-client.js';
import { baseDir } from '../../src/config/resolve.js';
import type { NodeConfig } from '../../src/config/schema.js';
import { chainId, powLimit, type NetworkParams } from '../../src/consensus/networks.js';
import type { VerifyRecordProofOptions } from '../../src/consensus/record-proof.js';
import { ChainNodeError } from '../../src/errors.js';
import { Keystore, keystoreDir } from '../../src/wallet/keystore.js';
import { getPassphrase } from '../../src/wallet/prompt.js';
import { allOptions, configFrom } from './common.js';

/** Options of the client commands (merged with the global ones). */
export interface ClientFlags {
  json?: boolean;
  network?: string;
  datadir?: string;
  config?: string;
  api?: string;
  cookie?: string;
  keystore?: string;
  passphraseFile?: string;
  strictConfig?: boolean;
}

/** File in the data directory with the admin token (written by `start`). */
export const COOKIE_FILE = 'api.cookie';

/**
 * Mark a command that talks to a node. `--api <url>` is a global option (bin/cli.ts), accepted before or after
 * the subcommand and listed under "Global Options" in the command's help.
 */
export function withApi(cmd: Command): Command {
  return cmd;
}

/** Mark an admin command: `--api` and `--cookie` are global options (bin/cli.ts). */
export function withAdmin(cmd: Command): Command {
  return withApi(cmd);
}

/** Add `--keystore` and `--passphrase-file` to a command that uses stored keys. */
export function withKeystore(cmd: Command): Command {
  return cmd
    .option('--keystore <dir>', 'directory of the key files (default <base>/keys, base = the datadir\u2019s parent or ~/.chain-node)')
    .option('--passphrase-file <file>', 'read the key passphrase from the first line of this file (else CHAIN_NODE_PASSPHRASE, else a prompt)');
}

/** The directory above the data directories: the datadir's parent when one is given, else ~/.chain-node. */
export function baseFromFlags(flags: ClientFlags): string {
  const datadir = flags.datadir ?? process.env.CHAIN_NODE_DATADIR;
  return datadir === undefined ? baseDir(homedir()) : dirname(resolve(datadir));
}

/** The keystore the flags select. */
export function keystoreFrom(flags: ClientFlags): Keystore {
  const dir = flags.keystore ?? process.env.CHAIN_NODE_KEYSTORE;
  return new Keystore(dir === undefined ? keystoreDir(baseFromFlags(flags)) : resolve(dir));
}

/** Ask for (or read) the passphrase of a key. */
export function passphraseFor(flags: ClientFlags, prompt: string, confirmTwice = false): Promise<string> {
  const env = process.env.CHAIN_NODE_PASSPHRASE;
  return getPassphrase(
    {
      ...(flags.passphraseFile === undefined ? {} : { file: flags.passphraseFile }),
      ...(env === undefined ? {} : { env }),
      io: { input: process.stdin, output: process.stderr },
    },
    { prompt, confirmTwice },
  );
}

/** Decrypt a stored key. */
export async function unlockKey(flags: ClientFlags, name: string): Promise<Uint8Array> {
  const ks = keystoreFrom(flags);
  await ks.show(name); // KEY_NOT_FOUND before asking for a passphrase
  return ks.unlock(name, await passphraseFor(flags, `Passphrase for key '${name}': `));
}

/** What a client command needs: the resolved config and network, and an API client. */
export interface ClientContext {
  flags: ClientFlags;
  json: boolean;
  config: NodeConfig;
  network: NetworkParams;
  client: ApiClient;
  /** The network's chain id (genesis hash): every transaction carries it. */
  chainId: Uint8Array;
  /** Offline proof verification bounds of the network. */
  verify: VerifyRecordProofOptions;
}

function defaultUrl(config: NodeConfig): string {
  if (config.api.port === 0)
    throw new ChainNodeError('API_URL_UNKNOWN', 'the API port is configured as 0 (any free port): pass --api <url> (the node prints it at start)');
  let host = config.api.host;
  if (host === '0.0.0.0' || host === '') host = '127.0.0.1';
  if (host === '::') host = '::1';
  const scheme = config.api.tlsCert === '' ? 'http' : 'https';
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${config.api.port}`;
}

function readToken(path: string, explicit: boolean): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    if (explicit) throw new ChainNodeError('AUTH_COOKIE_UNREADABLE', `cannot read the admin token file ${path}: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * Resolve the node a client command talks to: `--api` or `http://127.0.0.1:<api port>` where the port comes
 * from the same resolution as `start` (network preset, config file, CHAIN_NODE_API_PORT); the admin token is
 * read from `--cookie` or `<datadir>/api.cookie` when `admin` is set.
 */
export function clientContext(cmd: Command, options: { admin?: boolean } = {}): ClientContext {
  const flags = allOptions<ClientFlags>(cmd);
  // Only the global flags feed the node configuration: `--api <url>` and `--threads` mean other things here.
  const resolved = configFrom({ network: flags.network, datadir: flags.datadir, config: flags.config, strictConfig: flags.strictConfig });
  const config = resolved.config;
  const { network } = resolved;
  let token: string | undefined;
  let cookie: string | undefined;
  if (options.admin === true) {
    cookie = resolve(flags.cookie ?? join(config.datadir, COOKIE_FILE));
    token = readToken(cookie, flags.cookie !== undefined);
    if (token === undefined) {
      throw new ChainNodeError(
        'AUTH_REQUIRED',
        `admin command: no token in ${cookie} (run it as the node's user with the node's --datadir, or pass --cookie <file>)`,
      );
    }
  }
  // An API token or JWT for nodes started with --require-auth (from the environment: never a flag, like secrets).
  const bearer = process.env.CHAIN_NODE_API_TOKEN?.trim();
  const client = new ApiClient({
    url: flags.api ?? defaultUrl(config),
    ...(token === undefined ? {} : { token, tokenSource: cookie }),
    ...(bearer === undefined || bearer === '' ? {} : { bearer }),
  });
  const id = chainId(network);
  return { flags, json: flags.json === true, config, network, client, chainId: id, verify: { powLimit: powLimit(network), chainId: id } };
}

/** Parse a non-negative integer option (`BAD_OPTION` otherwise). */
export function intOption(value: string | undefined, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) throw new ChainNodeError('BAD_OPTION', `${name} must be an integer >= ${min}`);
  return Number(value);
}

/** Parse a positive number option (`BAD_OPTION` otherwise). */
export function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ChainNodeError('BAD_OPTION', `${name} must be a positive number`);
  return n;
}

/** Check a txid argument before asking the node (`BAD_TXID`): 64 hex characters. */
export function txidArgument(txid: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(txid))
    throw new ChainNodeError(
      'BAD_TXID',
      `txid must be 64 hex characters (a SHA-256 hash), got ${JSON.stringify(txid.length > 80 ? `${txid.slice(0, 80)}...` : txid)}`,
    );
  return txid.toLowerCase();
}

/** Seconds since the epoch as an ISO time. */
export function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}
