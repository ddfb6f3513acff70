import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChainNodeError } from '../errors.js';
import { PEER_KEY_FILE } from './file-names.js';

// Re-exported: callers that load libp2p anyway keep importing it from here.
export { PEER_KEY_FILE };

/**
 * Load the node's libp2p key from `<datadir>/p2p-key`, or create an Ed25519 key there (mode 0600), so the peer
 * id stays the same across restarts. A file that does not decode is an error, never silently replaced.
 */
export async function loadOrCreatePeerKey(datadir: string): Promise<PrivateKey> {
  const path = join(datadir, PEER_KEY_FILE);
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (bytes !== undefined) {
    try {
      return privateKeyFromProtobuf(bytes);
    } catch (err) {
      throw new ChainNodeError('P2P_BAD_KEY_FILE', `${path} does not hold a libp2p private key; move it away to create a new identity`, { cause: err });
    }
  }
  const key = await generateKeyPair('Ed25519');
  const tmp = `${path}.tmp`;
  await writeFile(tmp, privateKeyToProtobuf(key), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  return key;
}
