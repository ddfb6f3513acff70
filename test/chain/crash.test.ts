// Crash safety (SPEC 10): kill -9 at random moments while a child connects blocks and reorganises, then reopen
// and check the whole database (header log included, SPEC 12); the store lock; a damaged database refused with STORE_CORRUPT.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClassicLevel } from 'classic-level';
import t, { type Test } from 'tap';
import { Chain } from '../../src/chain/chain.js';
import { checkConsistency } from '../utils/consistency.js';
import { Keys } from '../../src/store/layout.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { type TreeNode } from '../../src/chain/block-tree.js';
import { toHex } from '../../src/util/bytes.js';
import { type Block } from '../../src/primitives/block.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { BlockStatus } from '../../src/store/entry.js';
import { Actor, CHAIN_ID, NET, extend, mine, openChain, tempDir } from '../utils/chain.js';
import { blockKeyHex } from '../../src/primitives/header.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const KILLS = Number(process.env.CRASH_TEST_KILLS ?? 50);

const STRIP_LOADER = fileURLToPath(new URL('./ts-strip-loader.mjs', import.meta.url));
// Node's own type stripping starts the child in ~0.5 s, tap's ts-node loader (from execArgv) in ~1.5 s; 50+ child
// starts make the difference matter. Stripping is used where Node has it, with tap's loader as the fallback.
const tsFeature = (process.features as { typescript?: string | false }).typescript;
let useStrip = typeof tsFeature === 'string' && process.env.CRASH_TEST_LOADER !== 'tap';

/** Start crash-child.ts under a TypeScript loader. */
function startChild(args: string[]): ChildProcess {
  const env = { ...process.env };
  // tap's process-info hook (coverage bookkeeping) only slows the child's start; the TS loader is in execArgv.
  delete env.NODE_OPTIONS;
  const loader = useStrip ? [`--import=${pathToFileURL(STRIP_LOADER).href}`] : process.execArgv;
  return spawn(process.execPath, [...loader, CHILD, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Start the child and wait for its `prefix` line; if type stripping fails, fall back to tap's loader once. */
async function startReady(t: Test, args: string[], prefix: string): Promise<ChildProcess> {
  const child = startChild(args);
  try {
    await waitForLine(child, prefix);
    return child;
  } catch (err) {
    if (!useStrip) throw err;
    child.kill('SIGKILL');
    t.comment(`type stripping failed, using tap's loader: ${(err as Error).message.slice(0, 500)}`);
    useStrip = false;
    const retry = startChild(args);
    await waitForLine(retry, prefix);
    return retry;
  }
}

/** Resolve with the first stdout line matching `prefix`; reject if the child exits first or after `ms`. */
function waitForLine(child: ChildProcess, prefix: string, ms = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => done(new Error(`child did not print '${prefix}' within ${ms} ms; stderr: ${err}`)), ms);
    const onOut = (d: Buffer): void => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith(prefix));
      if (line !== undefined) done(undefined, line);
    };
    const onErr = (d: Buffer): void => void (err += d.toString());
    const onExit = (code: number | null): void => done(new Error(`child exited (${code}) before '${prefix}'; stderr: ${err}`));
    function done(e: Error | undefined, line?: string): void {
      clearTimeout(timer);
      child.stdout!.off('data', onOut);
      child.off('exit', onExit);
      if (e !== undefined) reject(e);
      else resolve(line!);
    }
    child.stdout!.on('data', onOut);
    child.stderr!.on('data', onErr);
    child.on('exit', onExit);
  });
}

function killed(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode);
    else child.once('exit', (_code, signal) => resolve(signal));
  });
}

t.test(`kill -9 at random moments (${KILLS} kills) leaves a database that opens and is consistent`, async (t) => {
  const dir = await tempDir('chain-crash-');
  t.teardown(dir.cleanup);
  t.comment(`child TypeScript loader: ${useStrip ? "Node's type stripping" : "tap's ts-node"}`);
  const heights: number[] = [];
  let forks = { side: 0, invalid: 0 };
  let failures = 0;
  for (let i = 0; i < KILLS; i++) {
    const child = await startReady(t, ['work', dir.path, String(i + 1)], 'ready');
    const stderr: string[] = [];
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    const exited = killed(child);
    await sleep(20 + Math.floor(Math.random() * 281));
    const stillRunning = child.exitCode === null;
    child.kill('SIGKILL');
    const signal = await exited;
    if (!stillRunning || signal !== 'SIGKILL') {
      t.fail(`child ${i} ended on its own (${String(child.exitCode)}): ${stderr.join('')}`);
      break;
    }
    const { chain, store } = await openChain(dir.path);
    try {
      const report = await checkConsistency(chain);
      if (!report.ok) {
        failures++;
        t.same(report.problems, [], `consistent after kill ${i + 1}`);
      }
      heights.push(chain.height);
      forks = { side: chain.tree.size - chain.height - 1, invalid: (await store.invalidBlocks()).size };
    } finally {
      await store.close();
    }
    if (failures > 2) break;
  }
  t.equal(failures, 0, `every reopen after ${heights.length} kills was consistent`);
  t.equal(heights.length, KILLS, 'every kill was followed by a successful reopen');
  t.ok(heights[heights.length - 1]! > KILLS / 2, `the children made progress (heights ${heights.join(' ')})`);
  t.ok(forks.side > 0, `stored side branches: ${forks.side} blocks off the main chain`);
  t.ok(KILLS < 20 || forks.invalid > 0, `failed reorgs left ${forks.invalid} blocks marked invalid`);
});

t.test('a directory in use by another process is refused with STORE_LOCKED', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const child = await startReady(t, ['hold', dir.path], 'locked');
  const exited = killed(child);
  t.teardown(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  await t.rejects(ChainStore.open({ path: dir.path, chainId: CHAIN_ID }), { code: 'STORE_LOCKED' });
  child.kill('SIGKILL');
  await exited;
  const store = await ChainStore.open({ path: dir.path, chainId: CHAIN_ID });
  t.pass('opens once the other process is gone');
  await store.close();
});

t.test('a damaged database is refused with STORE_CORRUPT naming the directory', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  await extend(chain, 5);
  const tipHeight = chain.height;
  await store.close();
  const raw = new ClassicLevel<Uint8Array, Uint8Array>(dir.path, { keyEncoding: 'view', valueEncoding: 'view' });
  await raw.open();
  await raw.del(Keys.height(tipHeight));
  await raw.close();
  const damaged = await ChainStore.open({ path: dir.path, chainId: CHAIN_ID });
  t.teardown(() => damaged.close());
  const err = await Chain.open({ params: NET }, { store: damaged }).then(
    () => undefined,
    (e: unknown) => e as { code?: string; message?: string },
  );
  t.equal(err?.code, 'STORE_CORRUPT');
  t.match(err?.message ?? '', dir.path, 'the message names the data directory');
});

t.test('an invalidation cut short by a crash is completed at start instead of retried forever', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  const genesis = chain.tip;
  await chain.processBlock(mine(chain));
  const main2 = mine(chain);
  await chain.processBlock(main2);
  // Branch from genesis: b1 carries a bad signature, b3 makes the branch heavier and triggers the failing reorg.
  const actor = new Actor();
  const tx = actor.tx();
  const sig = Uint8Array.from(tx.fields.sig);
  sig[9]! ^= 1;
  const bad = Transaction.fromFields({ ...tx.fields, sig });
  const b1 = mine(chain, [bad], genesis);
  const detached = (b: Block, parent: TreeNode): TreeNode => ({
    ...parent,
    hash: b.hash,
    hex: blockKeyHex(b.hash),
    header: b.header,
    height: parent.height + 1,
    parent,
  });
  const b2 = mine(chain, [], detached(b1, genesis));
  const b3 = mine(chain, [], detached(b2, detached(b1, genesis)));
  await chain.processBlock(b1);
  await chain.processBlock(b2);
  await t.rejects(chain.processBlock(b3), { code: 'BLOCK_INVALID_PARENT' });
  t.equal(chain.tip.hex, toHex(main2.hash));
  await store.close();
  // Simulate a kill between rememberInvalid's per-block writes: b1 is marked, its descendants are not.
  const raw = new ClassicLevel<Uint8Array, Uint8Array>(dir.path, { keyEncoding: 'view', valueEncoding: 'view' });
  await raw.open();
  for (const b of [b2, b3]) {
    const entry = Uint8Array.from((await raw.get(Keys.entry(b.hash)))!);
    entry[84]! &= ~BlockStatus.invalid;
    await raw.put(Keys.entry(b.hash), entry);
    await raw.del(Keys.invalid(b.hash));
  }
  await raw.close();
  const reopenedStore = await ChainStore.open({ path: dir.path, chainId: CHAIN_ID });
  t.teardown(() => reopenedStore.close());
  const opened = Chain.open({ params: NET }, { store: reopenedStore });
  const result = await Promise.race([opened, sleep(10_000).then(() => 'timeout' as const)]);
  if (result === 'timeout') {
    t.fail('Chain.open did not finish (retrying the failed branch forever)');
    return;
  }
  t.equal(result.tip.hex, toHex(main2.hash), 'back on the valid chain');
  t.equal(result.invalidReason(b3.hash), 'BLOCK_INVALID_PARENT', 'the cut-short invalidation was completed');
  const report = await checkConsistency(result);
  t.same(report.problems, []);
});
