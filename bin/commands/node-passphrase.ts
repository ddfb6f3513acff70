import { readFileSync } from 'node:fs';
import { ChainNodeError } from '../../src/errors.js';

/**
 * The passphrase of the node-held keys: the first line of keys.passphraseFile when set, else
 * CHAIN_NODE_KEYS_PASSPHRASE, else none (keys locked). Never a flag value: flags show up in `ps`.
 */
export function nodeKeyPassphrase(file: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (file !== '') {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ChainNodeError('KEY_PASSPHRASE_FILE', `cannot read the key passphrase file ${file}: ${(err as Error).message}`);
    }
    const line = text.split(/\r?\n/)[0] ?? '';
    if (line === '') throw new ChainNodeError('KEY_PASSPHRASE_EMPTY', `the key passphrase file ${file} starts with an empty line`);
    return line;
  }
  const v = env.CHAIN_NODE_KEYS_PASSPHRASE;
  return v === undefined || v === '' ? undefined : v;
}
