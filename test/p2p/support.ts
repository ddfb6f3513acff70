// Multi-process test support: build dist/ when stale (through the e2e helper), start real `chain-node start`
// processes on loopback, talk to them over the HTTP API, and sign transactions for them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { ensureBuilt as ensureBuiltSync } from '../utils/ensure-built.js';
import { freePort } from '../utils/free-port.js';
import { tempDirCleanup as tempDir } from '../utils/temp-dir.js';
import { waitForTruthy as waitFor } from '../utils/wait-for.js';

export { freePort, tempDir, waitFor };

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NET = getNetwork('regtest');
export const CHAIN_ID = chainId(NET);

/** Compile dist/ when stale: the e2e suite's helper (one shared lock and build stamp for every test file). */
export async function ensureBuilt(): Promise<void> {
  ensureBuiltSync();
}

/** Sleep. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** How to start a test node. */
export interface TestNodeOptions {
  datadir: string;
  p2pPort?: number;
  mine?: boolean;
  mdns?: boolean;
  bootstrap?: string[];
  extra?: string[];
  logLevel?: string;
}

/** Status fields the tests read. */
export interface StatusJson {
  height: number;
  tip: { hash: string };
  peers: number;
  sync?: { progress: number; syncing: boolean };
}

/** A running `chain-node start` process. */
/** A witness key nobody runs (Ed25519 seed of zeros): configured as the set, it turns finality off. */
export const NO_FINALITY_WITNESS = 'no-finality.invalid+4e637767+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';

export class TestNode {
  readonly proc: ChildProcess;
  readonly options: TestNodeOptions;
  readonly p2pPort: number;
  api = '';
  #exited: Promise<number | null>;

  private constructor(proc: ChildProcess, options: TestNodeOptions, p2pPort: number) {
    this.proc = proc;
    this.options = options;
    this.p2pPort = p2pPort;
    this.#exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }

  /** Start a node and wait for its API URL. */
  static async start(options: TestNodeOptions): Promise<TestNode> {
    await mkdir(options.datadir, { recursive: true });
    const p2pPort = options.p2pPort ?? (await freePort());
    const args = [
      join(ROOT, 'bin', 'chain-node'),
      'start',
      '--network',
      'regtest',
      '--datadir',
      options.datadir,
      '--api-port',
      '0',
      '--p2p-host',
      '127.0.0.1',
      '--p2p-port',
      String(p2pPort),
      options.mine === false ? '--no-mine' : '--mine',
      options.mdns === true ? '--mdns' : '--no-mdns',
      '--log-level',
      options.logLevel ?? 'info',
      '--log-pretty',
      'never',
      ...(options.bootstrap !== undefined && options.bootstrap.length > 0 ? ['--bootstrap', ...options.bootstrap] : []),
      // Several nodes with no shared witness set would each finalise their own chain (k = 1, SPEC 12) and split:
      // unless a test configures witnesses, the set is one key no node holds, so nothing becomes final.
      ...((options.extra ?? []).includes('--witnesses') ? [] : ['--witnesses', NO_FINALITY_WITNESS]),
      ...(options.extra ?? []),
    ];
    const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(options.datadir, 'node.log'), { flags: 'a' });
    proc.stdout!.pipe(log);
    const node = new TestNode(proc, options, p2pPort);
    let stderr = '';
    node.api = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`node did not start in time: ${stderr}`)), 60_000);
      proc.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        log.write(d);
        const m = /API\s+(http:\/\/[^\s]+)\/status/.exec(stderr);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`node exited with ${code}: ${stderr}`));
      });
    });
    return node;
  }

  /** The bootstrap address of this node (`127.0.0.1:<port>`). */
  get address(): string {
    return `127.0.0.1:${this.p2pPort}`;
  }

  /** GET a JSON API path. */
  async get<T>(path: string): Promise<T> {
    const r = await fetch(`${this.api}${path}`);
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  }

  /** POST JSON to an API path (admin routes get the cookie token). */
  async post<T>(path: string, body: unknown, admin = false): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (admin) headers.authorization = `Bearer ${(await readFile(join(this.options.datadir, 'api.cookie'), 'utf8')).trim()}`;
    const r = await fetch(`${this.api}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  }

  /** Node status. */
  status(): Promise<StatusJson> {
    return this.get<StatusJson>('/status');
  }

  /** Our peer id and self addresses. */
  async self(): Promise<{ id: string; addresses: string[] }> {
    const p = await this.get<{ self: string[] }>('/peers');
    const id = p.self[0]?.split('/p2p/')[1] ?? '';
    return { id, addresses: p.self };
  }

  /** Connected peer ids. */
  async peerIds(): Promise<string[]> {
    return (await this.get<{ peers: Array<{ id: string }> }>('/peers')).peers.map((p) => p.id);
  }

  /** Submit a signed transaction. */
  async submit(tx: Transaction): Promise<void> {
    await this.post('/txs', { tx: toHex(tx.bytes) });
  }

  /** Graceful stop (SIGTERM), killing after 15 s. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
    await this.#exited;
    clearTimeout(t);
  }

  /** The node's log so far (for failure messages). */
  async log(): Promise<string> {
    return readFile(join(this.options.datadir, 'node.log'), 'utf8').catch(() => '');
  }
}

/** An actor that signs regtest transactions with consecutive nonces. */
export class Actor {
  readonly sk = generateSecretKey();
  nonce = 0;

  /** Sign the next action. */
  tx(kind = 'audit.login', payload: Record<string, string | number> = {}): Transaction {
    return Transaction.sign({ chain: CHAIN_ID, nonce: this.nonce++, time: Date.now(), kind, payload: { ...payload, n: this.nonce } }, this.sk);
  }
}

/** Stop every node (ignoring errors). */
export async function stopAll(nodes: Iterable<TestNode | undefined>): Promise<void> {
  await Promise.all([...nodes].map((n) => n?.stop().catch(() => undefined)));
}

/** Wait until every node reports the same tip (and at least `minHeight`); returns that tip. */
export async function converged(nodes: TestNode[], minHeight: number, timeoutMs = 60_000): Promise<StatusJson> {
  return waitFor(
    `${nodes.length} nodes to agree on a tip at height >= ${minHeight}`,
    async () => {
      const s = await Promise.all(nodes.map((n) => n.status()));
      return s.every((x) => x.tip.hash === s[0]!.tip.hash && x.height >= minHeight) ? s[0] : undefined;
    },
    timeoutMs,
    300,
  );
}

/** Stop mining on every node (admin API). */
export async function stopMining(nodes: TestNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.post('/mining/stop', {}, true)));
}

/** Wait until every node has at least `n` peers. */
export async function peered(nodes: TestNode[], n: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(`every node to have ${n} peers`, async () => (await Promise.all(nodes.map((x) => x.peerIds()))).every((p) => p.length >= n), timeoutMs, 300);
}

/** An actor's mined actions on a node, in nonce order: txid and block hash. */
export async function actorActions(node: TestNode, actor: Uint8Array): Promise<Array<{ txid: string; blockHash: string }>> {
  const page = await node.get<{ items: Array<{ txid: string; blockHash: string }> }>(`/accounts/${toHex(actor)}/actions?limit=500`);
  return page.items.map((i) => ({ txid: i.txid, blockHash: i.blockHash }));
}

/** Wait until every node shows exactly `txids` (in order, each once) as the actor's mined actions, in the same blocks. */
export async function minedEverywhere(nodes: TestNode[], actor: Uint8Array, txids: string[], timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `${txids.length} transactions mined once on ${nodes.length} nodes`,
    async () => {
      const views = await Promise.all(nodes.map((n) => actorActions(n, actor)));
      const first = JSON.stringify(views[0]);
      return views.every((v) => JSON.stringify(v) === first) && views[0]!.map((a) => a.txid).join() === txids.join();
    },
    timeoutMs,
    500,
  );
}

/**
 * Stop mining without leaving a tie: every node but `last` stops, `last` mines two more blocks (so equal-work
 * tips cannot remain, first-seen would keep them apart forever), then stops too; returns the common tip.
 */
export async function settle(nodes: TestNode[], last: TestNode, timeoutMs = 60_000): Promise<StatusJson> {
  await stopMining(nodes.filter((n) => n !== last));
  await last.post('/mining/start', {}, true);
  const h = (await last.status()).height;
  await waitFor('two more blocks from the last miner', async () => (await last.status()).height >= h + 2, timeoutMs, 250);
  await stopMining([last]);
  return converged(nodes, h + 2, timeoutMs);
}

/**
 * A temporary folder and a list of nodes that the test's teardown stops. The folder is removed when the test
 * passed, and kept (with the nodes' logs) when it failed.
 */
export async function nodeFixture(t: Test, prefix: string): Promise<{ dir: { path: string; cleanup: () => Promise<void> }; nodes: TestNode[] }> {
  const dir = await tempDir(prefix);
  const nodes: TestNode[] = [];
  t.teardown(async () => {
    await stopAll(nodes);
    if (t.passing()) await dir.cleanup();
    else t.comment(`logs kept in ${dir.path}`);
  });
  return { dir, nodes };
}

/**
 * `from` disconnects peer `id`, which also blocks it both ways for the cooldown. A request lost on a loaded machine
 * would leave the pair free to find each other again later (mDNS, DHT), so it is retried and must succeed.
 */
async function blockPeer(from: TestNode, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await from.post('/peers/disconnect', { id }, true);
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * The links between running nodes, by index: their listen addresses (with /p2p/<id>), cut and healed the way an
 * operator does it (disconnect and connect through each node's API).
 */
export class Links {
  private constructor(
    private readonly nodes: TestNode[],
    private readonly ids: string[],
  ) {}

  /** Reads every node's first listen address. */
  static async of(nodes: TestNode[]): Promise<Links> {
    return new Links(nodes, await Promise.all(nodes.map(async (n) => (await n.self()).addresses[0]!)));
  }

  /** Node `i`'s peer id. */
  idOf(i: number): string {
    return this.ids[i]!.split('/p2p/')[1]!;
  }

  /** Every node of `g1` disconnects every node of `g2` and vice versa; waits until no link between them is left. */
  async cut(g1: number[], g2: number[], timeoutMs: number): Promise<void> {
    const nodes = this.nodes;
    for (const x of g1)
      for (const y of g2) {
        await blockPeer(nodes[x]!, this.idOf(y));
        await blockPeer(nodes[y]!, this.idOf(x));
      }
    await waitFor(
      'the groups to be apart',
      async () => {
        const p = await Promise.all(nodes.map((n) => n.peerIds()));
        return g1.every((x) => g2.every((y) => !p[x]!.includes(this.idOf(y)) && !p[y]!.includes(this.idOf(x))));
      },
      timeoutMs,
    );
  }

  /** Connects each pair both ways (an operator connect lifts the block) until the link is up. */
  async heal(pairs: ReadonlyArray<readonly [number, number]>): Promise<void> {
    const nodes = this.nodes;
    for (const [x, y] of pairs) {
      await waitFor(
        `link ${x}-${y}`,
        async () => {
          await nodes[y]!.post('/peers/connect', { addr: this.ids[x] }, true).catch(() => undefined);
          await nodes[x]!.post('/peers/connect', { addr: this.ids[y] }, true).catch(() => undefined);
          return (await nodes[x]!.peerIds()).includes(this.idOf(y));
        },
        30_000,
        1_000,
      );
    }
  }
}
