import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChainNodeError } from '../errors.js';
import { loadOrCreateWitnessKey } from '../finality/witness-key.js';

/** Options of a local process cluster. */
export interface ClusterOptions {
  /** Directory holding the cluster state file, each node's data directory and logs. */
  dir: string;
  network: string;
  /** First P2P port; node i listens on p2pBase + i. */
  p2pBase: number;
  /** First API port; node i serves on apiBase + i. */
  apiBase: number;
  /** Indices of the nodes that mine (default: node 0 only). */
  miners: number[];
  /** Extra flags passed to every node's `start`. */
  extraArgs: string[];
}

/** Defaults of a process cluster (ports chosen away from the network presets' own). */
export const CLUSTER_DEFAULTS = { network: 'regtest', p2pBase: 21000, apiBase: 22000, miners: [0], extraArgs: [] as string[] } as const;

/** One node of a running cluster, as recorded in the state file. */
export interface ClusterNode {
  index: number;
  pid: number;
  datadir: string;
  log: string;
  p2pPort: number;
  apiPort: number;
  api: string;
  mining: boolean;
}

/** The cluster state file (`<dir>/cluster.json`). */
export interface ClusterState {
  network: string;
  startedAt: string;
  nodes: ClusterNode[];
  /** The witness set every node is configured with (each node's own key). */
  witnesses?: string[];
}

const STATE = 'cluster.json';

/** Read the state of the cluster in `dir`; CLUSTER_NOT_RUNNING when there is none. */
export async function readClusterState(dir: string): Promise<ClusterState> {
  try {
    return JSON.parse(await readFile(join(dir, STATE), 'utf8')) as ClusterState;
  } catch {
    throw new ChainNodeError('CLUSTER_NOT_RUNNING', `no cluster state in ${dir} (start one with: chain-node cluster up -n 4)`);
  }
}

/** True when a process with this pid is alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Start `n` nodes as detached processes, each with its own data directory and log file; node 0 is the bootstrap
 * peer of the others. `binPath` is the chain-node executable and `nodePath` the Node binary to run it with.
 */
export async function clusterUp(n: number, options: ClusterOptions, run: { nodePath: string; binPath: string }): Promise<ClusterState> {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new ChainNodeError('CLUSTER_BAD_SIZE', 'cluster size must be 1..64');
  if (existsSync(join(options.dir, STATE))) {
    const old = await readClusterState(options.dir);
    if (old.nodes.some((x) => isAlive(x.pid)))
      throw new ChainNodeError('CLUSTER_RUNNING', `a cluster is already running in ${options.dir} (chain-node cluster down first)`);
  }
  await mkdir(options.dir, { recursive: true });
  // Every node is a witness and the set is all of them (majority threshold): a local cluster has finality (SPEC 12).
  const witnessKeys: string[] = [];
  for (let i = 0; i < n; i++) {
    const datadir = join(options.dir, `node${i}`);
    await mkdir(datadir, { recursive: true });
    witnessKeys.push((await loadOrCreateWitnessKey(datadir, options.network)).signer.vkey);
  }
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < n; i++) {
    const datadir = join(options.dir, `node${i}`);
    const log = join(options.dir, `node${i}.log`);
    await mkdir(datadir, { recursive: true });
    const mining = options.miners.includes(i);
    const args = [
      '--max-semi-space-size=16',
      run.binPath,
      'start',
      '--network',
      options.network,
      '--datadir',
      datadir,
      '--api-host',
      '127.0.0.1',
      '--api-port',
      String(options.apiBase + i),
      '--p2p-host',
      '127.0.0.1',
      '--p2p-port',
      String(options.p2pBase + i),
      '--no-mdns',
      mining ? '--mine' : '--no-mine',
      '--log-pretty',
      'never',
      '--threads',
      '1',
      ...(i === 0 ? [] : ['--bootstrap', `127.0.0.1:${options.p2pBase}`]),
      '--witnesses',
      ...witnessKeys,
      ...options.extraArgs,
    ];
    const fd = openSync(log, 'a');
    const child = spawn(run.nodePath, args, { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.unref();
    if (child.pid === undefined) throw new ChainNodeError('CLUSTER_SPAWN_FAILED', `could not start node ${i}`);
    nodes.push({
      index: i,
      pid: child.pid,
      datadir,
      log,
      p2pPort: options.p2pBase + i,
      apiPort: options.apiBase + i,
      api: `http://127.0.0.1:${options.apiBase + i}`,
      mining,
    });
  }
  const state: ClusterState = { network: options.network, startedAt: new Date().toISOString(), nodes, witnesses: witnessKeys };
  await writeFile(join(options.dir, STATE), JSON.stringify(state, null, 2));
  return state;
}

/** One row of `cluster status`. */
export interface NodeStatusRow {
  index: number;
  alive: boolean;
  api: string;
  height: number | null;
  tip: string | null;
  peers: number | null;
  mempool: number | null;
  hashrate: number | null;
  error?: string;
}

/** Query every node's /status (nodes that do not answer are reported with an error). */
export async function clusterStatus(state: ClusterState, timeoutMs = 2000): Promise<NodeStatusRow[]> {
  return Promise.all(
    state.nodes.map(async (n): Promise<NodeStatusRow> => {
      const row: NodeStatusRow = { index: n.index, alive: isAlive(n.pid), api: n.api, height: null, tip: null, peers: null, mempool: null, hashrate: null };
      try {
        const res = await fetch(`${n.api}/status`, { signal: AbortSignal.timeout(timeoutMs) });
        const s = (await res.json()) as { height: number; tip: { hash: string }; peers: number; mempool: { count: number }; mining: { hashrate: number } };
        Object.assign(row, { height: s.height, tip: s.tip.hash, peers: s.peers, mempool: s.mempool.count, hashrate: s.mining.hashrate });
      } catch (err) {
        row.error = (err as Error).message;
      }
      return row;
    }),
  );
}

/** What `clusterDown` with `purge` deleted. */
export interface PurgeReport {
  /** The cluster directory, removed with everything in it. */
  dir: string;
  /** Node data directories that were in it (chain databases, keys, cookies). */
  datadirs: string[];
  /** Log files that were in it. */
  logs: string[];
  files: number;
  bytes: number;
}

async function tally(path: string): Promise<{ files: number; bytes: number }> {
  const st = await lstat(path).catch(() => undefined);
  if (st === undefined) return { files: 0, bytes: 0 };
  if (!st.isDirectory()) return { files: 1, bytes: st.size };
  let files = 0;
  let bytes = 0;
  for (const name of await readdir(path)) {
    const t = await tally(join(path, name));
    files += t.files;
    bytes += t.bytes;
  }
  return { files, bytes };
}

/** SIGTERM every node, wait up to `timeoutMs` for each to exit, SIGKILL stragglers; remove the state file (and data with `purge`). */
export async function clusterDown(
  dir: string,
  opts: { timeoutMs?: number; purge?: boolean } = {},
): Promise<{ stopped: number; killed: number; purged?: PurgeReport }> {
  const state = await readClusterState(dir);
  let stopped = 0;
  let killed = 0;
  for (const n of state.nodes) if (isAlive(n.pid)) process.kill(n.pid, 'SIGTERM');
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (const n of state.nodes) {
    while (isAlive(n.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(n.pid)) {
      process.kill(n.pid, 'SIGKILL');
      killed++;
    } else stopped++;
  }
  await rm(join(dir, STATE), { force: true });
  if (opts.purge !== true) return { stopped, killed };
  const { files, bytes } = await tally(dir);
  const purged: PurgeReport = {
    dir,
    datadirs: state.nodes.map((n) => n.datadir).filter((d) => existsSync(d)),
    logs: state.nodes.map((n) => n.log).filter((l) => existsSync(l)),
    files,
    bytes,
  };
  await rm(dir, { recursive: true, force: true });
  return { stopped, killed, purged };
}
