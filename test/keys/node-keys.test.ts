// NodeKeys: a key created by this process is held unlocked at once (no decryption before its first signature),
// and the file it wrote opens to the same secret after a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { publicKeyFromSecret } from '../../src/crypto/signature.js';
import { NodeKeys } from '../../src/keys/node-keys.js';
import { toHex } from '../../src/util/bytes.js';

t.test('a created key signs without a decryption; after a restart the file opens to the same secret', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'node-keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const options = { datadir: dir, network: 'regtest', kdf: { n: 2 ** 15 } } as const;
  const keys = new NodeKeys(options, { passphrase: 'pass phrase' });
  let decryptions = 0;
  const unlock = keys.keystore.unlock.bind(keys.keystore);
  keys.keystore.unlock = (name, pass) => {
    decryptions++;
    return unlock(name, pass);
  };
  const info = await keys.create('svc');
  const held = await keys.unlock('svc');
  t.equal(decryptions, 0, 'no decryption of what this process just encrypted');
  t.equal(held.publicKeyHex, info.publicKey);
  t.equal(toHex(publicKeyFromSecret(held.secretKey)), info.publicKey, 'the held secret is the key created');

  const restarted = new NodeKeys(options, { passphrase: 'pass phrase' });
  const opened = await restarted.unlock('svc');
  t.same(opened.secretKey, held.secretKey, 'the stored file decrypts to the same secret');
  await t.rejects(keys.create('svc'), { code: 'KEY_EXISTS' }, 'a second key of that name is refused');
  t.same((await keys.unlock('svc')).secretKey, held.secretKey, 'and the held key stays the first one');
});
