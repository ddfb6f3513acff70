// Crash safety at scale (issue 12), shared by crash.test.ts (a few kills in `npm test`) and long/crash.long.ts
// (200+ in `npm run test:reliability`). A child process (test/chain/crash-child.ts) connects blocks with
// transactions and reorganises against a real LevelDB, logging each block before submitting it; it is killed with
// SIGKILL at a random moment. The database is then reopened (Chain.open runs the startup check and finishes an
// interrupted activation), fully checked (src/chain/consistency.ts), and compared key by key (every prefix: tip,
// entries, bodies, undo, height/tx/actor/subject/kind indexes, nonces, invalid marks) with a replay database that
// the same blocks were fed to, in the same order, in this process without any kill. Writes reach LevelDB in
// order, so the killed database holds a prefix of the block sequence: the replay takes the child's blocks up to
// the last one the killed database knows of (stored, or remembered as invalid).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlockError } from '../../src/chain/errors.js';
import { type Chain } from '../../src/chain/chain.js';
import { checkConsistency } from '../utils/consistency.js';
import { Block } from '../../src/primitives/block.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { type ChainStore } from '../../src/store/chain-store.js';
import { openChain } from '../utils/chain.js';

const CHILD = fileURLToPath(new URL('../chain/crash-child.ts', import.meta.url));
const STRIP_LOADER = pathToFileURL(fileURLToPath(new URL('../chain/ts-strip-loader.mjs', import.meta.url))).href;

/** Options of {@link runKills}. */
export interface KillOptions {
  kills: number;
  /** Working directory (the killed database, the replay database and the block logs go under it). */
  dir: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Stop after this many failed kills (default 3). */
  maxFailures?: number;
}

/** Outcome of {@link runKills}. */
export interface KillReport {
  /** Kills done (each followed by a reopen, a check and a comparison). */
  kills: number;
  /** Kills after which the database did not open, failed the consistency check, or differed from the replay. */
  inconsistent: number;
  problems: string[];
  /** Blocks the children submitted, and the replay's share of them (those the killed database had). */
  blocksLogged: number;
  blocksReplayed: number;
  /** Kills whose in-flight block was on a fork branch (not extending the tip): side-branch stores and reorgs. */
  reorgKills: number;
  height: number;
  sideBlocks: number;
  invalidBlocks: number;
  /** Keys compared in the last comparison. */
  keysCompared: number;
}

/** Start crash-child.ts on Node's type stripping (the same resolve hook as the runner), else tap's loader. */
function startChild(args: string[]): ChildProcess {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const hasStrip = typeof (process.features as { typescript?: string | false }).typescript === 'string';
  const loader = hasStrip ? ['--disable-warning=ExperimentalWarning', `--import=${STRIP_LOADER}`] : process.execArgv;
  return spawn(process.execPath, [...loader, CHILD, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function waitForReady(child: ChildProcess, ms = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => finish(new Error(`child not ready within ${ms} ms: ${err}`)), ms);
    const onOut = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('ready')) finish();
    };
    const onErr = (d: Buffer): void => void (err += d.toString());
    const onExit = (code: number | null): void => finish(new Error(`child exited (${code}) before ready: ${err}`));
    function finish(e?: Error): void {
      clearTimeout(timer);
      child.stdout!.off('data', onOut);
      child.off('exit', onExit);
      if (e === undefined) resolve();
      else reject(e);
    }
    child.stdout!.on('data', onOut);
    child.stderr!.on('data', onErr);
    child.on('exit', onExit);
  });
}

/** Every key/value of the store as `prefix -> (hex key -> hex value)`, over all 256 prefix bytes. */
export async function dump(store: ChainStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let p = 0; p < 256; p++) for await (const [k, v] of store.scan(p)) out.set(toHex(k), toHex(v));
  return out;
}

/** The first differences between two dumps (empty when equal). */
export function diff(killed: Map<string, string>, replay: Map<string, string>, max = 5): string[] {
  const out: string[] = [];
  for (const [k, v] of killed) {
    if (out.length >= max) return out;
    const r = replay.get(k);
    if (r === undefined) out.push(`key ${k.slice(0, 80)} only in the killed database`);
    else if (r !== v) out.push(`key ${k.slice(0, 80)}: killed ${v.slice(0, 80)} replay ${r.slice(0, 80)}`);
  }
  for (const k of replay.keys()) {
    if (out.length >= max) return out;
    if (!killed.has(k)) out.push(`key ${k.slice(0, 80)} only in the replay database`);
  }
  return out;
}

/**
 * Submit blocks in order (rejections are expected: some branches carry a bad signature), then settle the writes.
 * Delivered as crash-child.ts delivers them (as sync would: requested), so side branches are stored the same way.
 */
export async function feed(chain: Chain, blocks: Block[]): Promise<void> {
  for (const b of blocks) {
    try {
      await chain.processBlock(b, { requested: true });
    } catch (err) {
      if (!(err instanceof BlockError)) throw err;
    }
  }
  await chain.idle();
  await chain.store.flush();
}

/** Run `kills` kill/reopen/check/compare rounds; see the file comment. */
export async function runKills(o: KillOptions): Promise<KillReport> {
  const log = o.log ?? ((): void => undefined);
  const maxFailures = o.maxFailures ?? 3;
  const dbPath = join(o.dir, 'killed');
  const replay = await openChain(join(o.dir, 'replay'));
  const r: KillReport = {
    kills: 0,
    inconsistent: 0,
    problems: [],
    blocksLogged: 0,
    blocksReplayed: 0,
    reorgKills: 0,
    height: 0,
    sideBlocks: 0,
    invalidBlocks: 0,
    keysCompared: 0,
  };
  const fail = (i: number, what: string): void => {
    r.problems.push(`kill ${i + 1}: ${what}`);
    log(`kill ${i + 1}: ${what}`);
  };
  try {
    for (let i = 0; i < o.kills && r.inconsistent < maxFailures; i++) {
      const blockLog = join(o.dir, `blocks-${i}.log`);
      const child = startChild(['work', dbPath, String(i + 1), blockLog]);
      // The child loops until killed: never leave it behind when this process ends first.
      const orphanGuard = (): void => void child.kill('SIGKILL');
      process.once('exit', orphanGuard);
      child.once('exit', () => process.off('exit', orphanGuard));
      const exited = new Promise<NodeJS.Signals | null>((res) => child.once('exit', (_c, s) => res(s)));
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
      await waitForReady(child);
      await sleep(20 + Math.floor(Math.random() * 281));
      const running = child.exitCode === null;
      child.kill('SIGKILL');
      if ((await exited) !== 'SIGKILL' || !running) {
        fail(i, `the child ended on its own: ${stderr.slice(0, 2000)}`);
        r.inconsistent++;
        break;
      }
      r.kills++;
      let opened: { chain: Chain; store: ChainStore };
      try {
        opened = await openChain(dbPath);
      } catch (err) {
        fail(i, `reopen failed: ${(err as Error & { code?: string }).code ?? ''} ${(err as Error).message}`);
        r.inconsistent++;
        break;
      }
      const { chain, store } = opened;
      try {
        const report = await checkConsistency(chain);
        if (!report.ok) {
          r.inconsistent++;
          fail(i, `consistency: ${report.problems.slice(0, 5).join('; ')}`);
          continue;
        }
        const text = existsSync(blockLog) ? readFileSync(blockLog, 'utf8') : '';
        // A line without its newline was being written when the kill came: its block was never submitted.
        const lines = text.split('\n').slice(0, -1);
        const blocks = lines.map((l) => Block.decode(fromHex(l)));
        let known = -1;
        blocks.forEach((b, j) => {
          if (chain.hasBlock(b.hash) || chain.invalidReason(b.hash) !== undefined) known = j;
        });
        r.blocksLogged += blocks.length;
        r.blocksReplayed += known + 1;
        const inflight = blocks[known + 1] ?? blocks[known];
        if (inflight !== undefined && toHex(inflight.header.prevHash) !== toHex(chain.tip.hash)) r.reorgKills++;
        await feed(replay.chain, blocks.slice(0, known + 1));
        const [a, b] = [await dump(store), await dump(replay.store)];
        r.keysCompared = a.size;
        const d = diff(a, b);
        if (chain.tip.hex !== replay.chain.tip.hex || d.length > 0) {
          r.inconsistent++;
          fail(
            i,
            `differs from the replay (tips ${chain.height}:${chain.tip.hex.slice(0, 16)} vs ${replay.chain.height}:${replay.chain.tip.hex.slice(0, 16)}): ${d.join('; ')}`,
          );
          // The two databases have parted ways: later comparisons would only repeat this one.
          break;
        }
        r.height = chain.height;
        r.sideBlocks = chain.tree.size - chain.height - 1;
        r.invalidBlocks = (await store.invalidBlocks()).size;
        if ((i + 1) % 10 === 0)
          log(
            `${i + 1} kills: height ${r.height}, ${r.sideBlocks} side blocks, ${r.invalidBlocks} invalid, ${r.blocksReplayed}/${r.blocksLogged} blocks replayed, ${a.size} keys equal`,
          );
      } finally {
        await store.close();
      }
    }
  } finally {
    await replay.store.close();
  }
  return r;
}
