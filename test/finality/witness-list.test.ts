// The witness set from configuration (finality.witnesses): each entry a verifier key or a file of keys, so a
// cluster can share one generated file (docker/compose.yml's witness-keys service writes one for node1..node4).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { NET, openChain, tempDir } from '../utils/chain.js';
import { ChainNodeError } from '../../src/errors.js';
import { openFinality } from '../../src/finality/setup.js';
import { witnessKeysFrom } from '../../src/finality/witness-list.js';
import { loadOrCreateWitnessKey } from '../../src/finality/witness-key.js';
import { randomSeed, signerFromSeed } from '../../src/log/note.js';

t.test('entries are keys or files of keys (comments, blank lines, duplicates)', async (t) => {
  const d = await tempDir();
  t.teardown(d.cleanup);
  const [a, b, c] = ['a', 'b', 'c'].map((n) => signerFromSeed(`regtest-witness-${n}`, randomSeed()));
  const file = join(d.path, 'witnesses.txt');
  await writeFile(file, `# the set\n${a!.vkey}\n\n${b!.vkey}  # second\n`);
  const set = witnessKeysFrom([file, c!.vkey, a!.vkey]);
  t.same(
    set.map((v) => v.vkey),
    [a!.vkey, b!.vkey, c!.vkey],
    'file keys in order, then the inline key; the repeated key once',
  );
  const err = (() => {
    try {
      witnessKeysFrom([join(d.path, 'missing.txt')]);
    } catch (e) {
      return e as ChainNodeError;
    }
    return undefined;
  })();
  t.equal(err?.code, 'WITNESS_FILE_UNREADABLE');
});

t.test('a node configured with a shared witness file is a witness when its own key is in it', async (t) => {
  const d = await tempDir();
  t.teardown(d.cleanup);
  const net = NET;
  const nodeDir = join(d.path, 'node1');
  const { chain, store } = await openChain(join(nodeDir, 'chain'));
  t.teardown(() => store.close());
  const own = (await loadOrCreateWitnessKey(nodeDir, net.name)).signer;
  const other = signerFromSeed('regtest-witness-other', randomSeed());
  const third = signerFromSeed('regtest-witness-third', randomSeed());
  const file = join(d.path, 'witnesses.txt');
  await writeFile(file, [own.vkey, other.vkey, third.vkey].join('\n') + '\n');
  const f = await openFinality({ witnesses: [file], witnessThreshold: 0, depth: 0 }, { datadir: nodeDir, network: net, chain });
  t.equal(f.isWitness, true, 'its key is in the file');
  t.equal(f.options.witnesses.length, 3);
  t.equal(f.options.threshold, 2, 'majority of three');
  await f.idle();

  const missing = await openFinality({ witnesses: [join(d.path, 'nope.txt')], witnessThreshold: 0, depth: 0 }, { datadir: nodeDir, network: net, chain }).then(
    () => undefined,
    (e: unknown) => (e as ChainNodeError).code,
  );
  t.equal(missing, 'WITNESS_FILE_UNREADABLE', 'an unreadable file keeps its own code at start');
});
