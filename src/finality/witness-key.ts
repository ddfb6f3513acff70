import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ChainNodeError } from '../errors.js';
import { formatSignerKey, parseSignerKey, randomSeed, type NoteSigner } from '../log/note.js';

/** File in the data directory holding the witness's Ed25519 key (`PRIVATE+KEY+...`, mode 0600). */
export const WITNESS_KEY_FILE = 'witness.key';

/**
 * Load the node's witness key from `<datadir>/witness.key`, creating it (0600) on first use. The key name is
 * `<network>-witness-<8 random hex digits>`, so witnesses of one network have distinct names.
 */
export async function loadOrCreateWitnessKey(datadir: string, network: string): Promise<{ signer: NoteSigner; created: boolean; path: string }> {
  const path = join(datadir, WITNESS_KEY_FILE);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ChainNodeError('WITNESS_KEY_UNREADABLE', `cannot read ${path}: ${(err as Error).message}`);
  }
  if (text !== undefined) {
    const mode = (await stat(path)).mode & 0o777;
    if ((mode & 0o077) !== 0) await chmod(path, 0o600);
    try {
      return { signer: parseSignerKey(text.trim()), created: false, path };
    } catch (err) {
      throw new ChainNodeError('WITNESS_KEY_INVALID', `${path} does not hold a witness key: ${(err as Error).message}`);
    }
  }
  const name = `${network}-witness-${randomBytes(4).toString('hex')}`;
  const seed = randomSeed();
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(`${formatSignerKey(name, seed)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  return { signer: parseSignerKey(formatSignerKey(name, seed)), created: true, path };
}
