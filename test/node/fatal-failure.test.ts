import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { chainId } from '../../src/consensus/networks.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { hasCode } from '../../src/errors.js';
import { MEMPOOL_FILE, parseMempoolFile } from '../../src/mempool/persist.js';
import { defaultNativeLoader, type NativeAddon, type NativeAddonLoader } from '../../src/mining/native-addon.js';
import { ChainNode } from '../../src/node.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { memoryLogger, regtestConfig, tempDir } from './support.js';

// The real addon, whose CPU search starts failing on demand (a backend fault that cannot be provoked for real).
function failingLoader(): { loader: NativeAddonLoader; fail(): void } {
  const real = defaultNativeLoader();
  let failing = false;
  const loader: NativeAddonLoader = {
    cudaLibraryPath: () => real.cudaLibraryPath(),
    load: (): NativeAddon => {
      const addon = real.load();
      return {
        ...addon,
        cpuFeatures: () => addon.cpuFeatures(),
        cpuSearch: (...args) => {
          if (!failing) return addon.cpuSearch(...args);
          return { promise: Promise.reject(new Error('injected: device lost')), cancel: () => undefined };
        },
      };
    },
  };
  return { loader, fail: () => void (failing = true) };
}

t.test('fault 20: a miner failure stops the node through the fatal path, saving the mempool', async (t) => {
  const datadir = join(await tempDir(t, 'cn-fatal-'), 'regtest');
  const { config, network } = regtestConfig(datadir, (c) => {
    c.mining = { ...c.mining, enabled: true, backend: 'native-cpu', threads: 1 };
    c.api.enabled = false;
    c.p2p.enabled = false;
  });
  const { logger, lines } = memoryLogger();
  const injected = failingLoader();
  const node = new ChainNode({ config, network, version: 'test' }, { logger, mining: { nativeLoader: injected.loader } });
  t.teardown(() => node.stop());
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown): void => void unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  t.teardown(() => void process.off('unhandledRejection', onUnhandled));

  await node.start();
  // Let it mine for real first.
  while (node.chain.height < 1) await new Promise((r) => setTimeout(r, 50));
  injected.fail();
  const tx = Transaction.sign(
    { chain: chainId(network), nonce: 0, time: Date.now(), kind: 'audit.login', subject: 'fault-20', payload: { n: 1 } },
    generateSecretKey(),
  );
  await node.mempool.add(tx);

  const stopped = await Promise.race([
    new Promise<boolean>((r) => node.signal.addEventListener('abort', () => r(true), { once: true })),
    new Promise<boolean>((r) => setTimeout(() => r(false), 20_000).unref()),
  ]);
  t.ok(stopped, 'the node stopped itself');
  await node.stop();
  await new Promise((r) => setImmediate(r));
  t.same(unhandled, [], 'no unhandled rejection');
  t.ok(hasCode(node.failure, 'MINING_BACKEND_FAILED'), `failure recorded for a non-zero exit (${node.failure?.message})`);
  const fatal = lines.find((l) => l.level === 60);
  t.match(fatal, { component: 'miner', msg: /fatal component failure/ }, 'logged once as fatal, naming the component');
  const saved = parseMempoolFile(await readFile(join(datadir, MEMPOOL_FILE)));
  t.equal(saved.length, 1, 'the pending transaction was saved');
  t.same(Buffer.from(saved[0]!), Buffer.from(tx.bytes));
  t.ok(
    lines.some((l) => l.msg === 'node stopped'),
    'clean stop',
  );
});
