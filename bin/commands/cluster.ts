import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ChainNodeError } from '../../src/errors.js';
import { CLUSTER_DEFAULTS, clusterDown, clusterStatus, clusterUp, readClusterState } from '../../src/cluster/process-cluster.js';
import { packageRoot } from '../../src/version.js';
import { allOptions, print } from './common.js';
import { followLogs } from './follow-logs.js';
import { formatHashrate } from '../../src/client/stats.js';

interface ClusterFlags {
  dir?: string;
  n?: string;
  p2pBase?: string;
  apiBase?: string;
  miners?: string;
  network?: string;
  lines?: string;
  purge?: boolean;
  node?: string;
}

function clusterDir(flags: ClusterFlags, env: NodeJS.ProcessEnv): string {
  return resolve(flags.dir ?? env.CHAIN_NODE_CLUSTER_DIR ?? join(homedir(), '.chain-node', 'cluster'));
}

function int(v: string | undefined, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new ChainNodeError('CLI_BAD_ARGUMENT', `${what} must be a non-negative integer`);
  return Number(v);
}

/** `chain-node cluster up|status|logs|down`: local multi-process clusters on ports base + i. */
export function registerCluster(program: Command): void {
  const cluster = program.command('cluster').description('local multi-node clusters as plain processes');
  cluster.option('--dir <dir>', 'cluster directory (default ~/.chain-node/cluster, env CHAIN_NODE_CLUSTER_DIR)');

  cluster
    .command('up')
    .description('start N wired-together nodes (node 0 is everyone\u2019s bootstrap peer)')
    .option('-n, --n <count>', 'number of nodes', '4')
    .option('--p2p-base <port>', 'P2P port of node 0 (node i: base + i)', String(CLUSTER_DEFAULTS.p2pBase))
    .option('--api-base <port>', 'API port of node 0 (node i: base + i)', String(CLUSTER_DEFAULTS.apiBase))
    .option('--miners <list>', 'comma-separated indices of mining nodes', '0')
    .action(async (_o: unknown, cmd: Command) => {
      const f = allOptions<ClusterFlags>(cmd);
      const miners = (f.miners ?? '0')
        .split(',')
        .filter((s) => s !== '')
        .map((s) => int(s, 0, '--miners entry'));
      const state = await clusterUp(
        int(f.n, 4, '-n'),
        {
          dir: clusterDir(f, process.env),
          network: f.network ?? CLUSTER_DEFAULTS.network,
          p2pBase: int(f.p2pBase, CLUSTER_DEFAULTS.p2pBase, '--p2p-base'),
          apiBase: int(f.apiBase, CLUSTER_DEFAULTS.apiBase, '--api-base'),
          miners,
          extraArgs: [],
        },
        { nodePath: process.execPath, binPath: join(packageRoot(), 'bin', 'chain-node') },
      );
      print(
        f.json,
        state,
        [
          `started ${state.nodes.length} ${state.network} nodes in ${clusterDir(f, process.env)}`,
          ...state.nodes.map((n) => `  node${n.index}  pid ${n.pid}  api ${n.api}  p2p ${n.p2pPort}${n.mining ? '  mining' : ''}`),
        ].join('\n'),
      );
    });

  cluster
    .command('status')
    .description('one table of every node\u2019s height, tip, peers, mempool and hashrate')
    .action(async (_o: unknown, cmd: Command) => {
      const f = allOptions<ClusterFlags>(cmd);
      const rows = await clusterStatus(await readClusterState(clusterDir(f, process.env)));
      const tips = new Set(rows.filter((r) => r.tip !== null).map((r) => r.tip));
      const agree = tips.size === 1 && rows.every((r) => r.tip !== null);
      const lines = [
        'node  alive  height  tip               peers  mempool  hashrate',
        ...rows.map(
          (r) =>
            `${`node${r.index}`.padEnd(6)}${(r.alive ? 'yes' : 'no').padEnd(7)}${String(r.height ?? '-').padStart(6)}  ${(r.tip ?? r.error ?? '-').slice(0, 16).padEnd(16)}  ${String(r.peers ?? '-').padStart(5)}  ${String(r.mempool ?? '-').padStart(7)}  ${r.hashrate === null ? '-' : formatHashrate(r.hashrate)}`,
        ),
        agree ? 'all nodes agree on the tip' : 'nodes do NOT agree on the tip (yet)',
      ];
      print(f.json, { agree, nodes: rows }, lines.join('\n'));
    });

  cluster
    .command('logs')
    .description('print the last lines of each node\u2019s log')
    .option('--lines <n>', 'lines per node', '20')
    .option('--node <i>', 'only this node')
    .option('-f, --follow', 'then keep printing new lines as the nodes write them, each prefixed with its node (Ctrl-C stops)')
    .action(async (_o: unknown, cmd: Command) => {
      const f = allOptions<ClusterFlags & { follow?: boolean }>(cmd);
      const state = await readClusterState(clusterDir(f, process.env));
      const lines = int(f.lines, 20, '--lines');
      const only = f.node === undefined ? undefined : int(f.node, 0, '--node');
      const nodes = state.nodes.filter((n) => only === undefined || n.index === only);
      for (const n of nodes) {
        const text = await readFile(n.log, 'utf8').catch(() => '');
        process.stdout.write(`== node${n.index} (${n.log})\n${text.trimEnd().split('\n').slice(-lines).join('\n')}\n`);
      }
      if (f.follow === true) await followLogs(nodes.map((n) => ({ label: `node${n.index}`, path: n.log })));
    });

  cluster
    .command('down')
    .description('stop every node (SIGTERM, then SIGKILL after 15 s)')
    .option('--purge', 'also delete the cluster directory and all node data')
    .action(async (_o: unknown, cmd: Command) => {
      const f = allOptions<ClusterFlags>(cmd);
      const r = await clusterDown(clusterDir(f, process.env), { purge: f.purge === true });
      const lines = [`stopped ${r.stopped} node(s)${r.killed > 0 ? `, killed ${r.killed}` : ''}`];
      if (r.purged !== undefined) {
        const p = r.purged;
        lines.push(
          `deleted ${p.dir} (${p.files} files, ${(p.bytes / 1e6).toFixed(1)} MB):`,
          ...p.datadirs.map((d) => `  ${d}  node data (chain database, P2P key, API cookie)`),
          ...p.logs.map((l) => `  ${l}  log`),
        );
      }
      print(f.json, r, lines.join('\n'));
    });
}
