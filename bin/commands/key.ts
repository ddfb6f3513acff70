import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ChainNodeError } from '../../src/errors.js';
import { isValidSecretKey } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { confirm } from '../../src/wallet/prompt.js';
import { allOptions, print } from './common.js';
import { keystoreFrom, passphraseFor, unlockKey, withKeystore, type ClientFlags } from './client-common.js';

async function readInput(file: string | undefined): Promise<string> {
  try {
    if (file === undefined || file === '-') {
      if (process.stdin.isTTY === true) throw new Error('give a file, or pipe the key into stdin');
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ChainNodeError('KEY_IMPORT_UNREADABLE', `cannot read the key to import: ${(err as Error).message}`);
  }
}

/** `chain-node key generate|list|show|export|import`: secp256k1 keys encrypted at rest (scrypt + AES-256-GCM). */
export function registerKey(program: Command): void {
  const key = program.command('key').description('manage signing keys, encrypted at rest in <base>/keys (scrypt + AES-256-GCM)');

  withKeystore(key.command('generate <name>').description('create a key (passphrase from a prompt, CHAIN_NODE_PASSPHRASE or --passphrase-file)')).action(
    async (name: string, _o: unknown, cmd: Command) => {
      const flags = allOptions<ClientFlags>(cmd);
      const ks = keystoreFrom(flags);
      if (await ks.has(name)) throw new ChainNodeError('KEY_EXISTS', `a key named '${name}' already exists (${ks.path(name)})`);
      const info = await ks.generate(name, await passphraseFor(flags, `New passphrase for key '${name}': `, true));
      print(flags.json, info, `key ${info.name}\n  actor  ${info.publicKey}\n  file   ${info.file}`);
    },
  );

  withKeystore(key.command('list').description('list stored keys (no passphrase needed)')).action(async (_o: unknown, cmd: Command) => {
    const flags = allOptions<ClientFlags>(cmd);
    const ks = keystoreFrom(flags);
    const keys = await ks.list();
    const width = Math.max(4, ...keys.map((k) => k.name.length));
    const header = `${'NAME'.padEnd(width)}  ${'ACTOR (PUBLIC KEY)'.padEnd(66)}  CREATED`;
    print(
      flags.json,
      { keystore: ks.dir, keys },
      keys.length === 0 ? `no keys in ${ks.dir}` : [header, ...keys.map((k) => `${k.name.padEnd(width)}  ${k.publicKey}  ${k.created}`)].join('\n'),
    );
  });

  withKeystore(key.command('show <name>').description("a key's actor (public key) and file")).action(async (name: string, _o: unknown, cmd: Command) => {
    const flags = allOptions<ClientFlags>(cmd);
    const info = await keystoreFrom(flags).show(name);
    print(flags.json, info, `key ${info.name}\n  actor    ${info.publicKey}\n  created  ${info.created}\n  file     ${info.file}`);
  });

  withKeystore(
    key
      .command('export <name>')
      .description('print the encrypted key file, or with --secret the secret key hex (asks first unless --yes)')
      .option('--secret', 'print the secret key in hex instead of the encrypted file')
      .option('--yes', 'do not ask for confirmation before printing the secret key'),
  ).action(async (name: string, _o: unknown, cmd: Command) => {
    const flags = allOptions<ClientFlags & { secret?: boolean; yes?: boolean }>(cmd);
    const ks = keystoreFrom(flags);
    if (flags.secret !== true) {
      const file = await ks.read(name);
      process.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
      return;
    }
    await ks.show(name);
    if (flags.yes !== true) {
      if (process.stdin.isTTY !== true)
        throw new ChainNodeError('KEY_CONFIRMATION_REQUIRED', 'printing a secret key needs --yes when there is no terminal to confirm on');
      if (!(await confirm(`Print the SECRET key of '${name}' to the terminal?`, { input: process.stdin, output: process.stderr }))) {
        throw new ChainNodeError('CANCELLED', 'export cancelled');
      }
    }
    const sk = await unlockKey(flags, name);
    const info = await ks.show(name);
    print(flags.json, { name, publicKey: info.publicKey, secretKey: toHex(sk) }, toHex(sk));
  });

  withKeystore(
    key
      .command('import <name> [file]')
      .description('import a secret key (64 hex characters) or an exported key file, from a file or stdin; it is stored encrypted'),
  ).action(async (name: string, file: string | undefined, _o: unknown, cmd: Command) => {
    const flags = allOptions<ClientFlags>(cmd);
    const ks = keystoreFrom(flags);
    if (await ks.has(name)) throw new ChainNodeError('KEY_EXISTS', `a key named '${name}' already exists (${ks.path(name)})`);
    const text = (await readInput(file)).trim();
    let info;
    if (text.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ChainNodeError('KEY_FILE_INVALID', 'the key file to import is not valid JSON');
      }
      info = await ks.importJson(name, parsed, await passphraseFor(flags, `Passphrase of the exported key: `));
    } else {
      const hex = text.replace(/^0x/, '');
      const sk = /^[0-9a-fA-F]{64}$/.test(hex) ? new Uint8Array(Buffer.from(hex, 'hex')) : undefined;
      if (sk === undefined || !isValidSecretKey(sk))
        throw new ChainNodeError('KEY_BAD_SECRET', 'expected a secret key as 64 hex characters, or a keystore JSON file');
      info = await ks.importSecret(name, sk, await passphraseFor(flags, `New passphrase for key '${name}': `, true));
    }
    print(flags.json, info, `imported key ${info.name}\n  actor  ${info.publicKey}\n  file   ${info.file}`);
  });
}
