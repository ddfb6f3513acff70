// Benchmark helper: regtest `chain-node start` processes on loopback (no mining, no mDNS), found by their API URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/scripts/bench/lib -> the package root.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** A started node process. */
export interface BenchNode {
  child: ChildProcess;
  /** API base URL, read from the start banner. */
  api: string;
  /** performance.now() when it was spawned. */
  startedAt: number;
}

/** How to spawn a node process. */
export interface SpawnOptions {
  /** V8 flags before the script. */
  nodeFlags?: string[];
  /** Names the process in errors. */
  what?: string;
  /** Variables added to this process's environment for the child. */
  env?: Record<string, string>;
  /** Reject when no start banner came within this many ms (no limit when absent). */
  startTimeoutMs?: number;
}

/**
 * Spawn `node <nodeFlags> bin/chain-node <cliArgs>` from the package root and wait for the API URL in its start
 * banner; rejects with its stderr when it exits first or the start timeout passes.
 */
export async function spawnChainNode(cliArgs: string[], options: SpawnOptions = {}): Promise<BenchNode> {
  const args = [...(options.nodeFlags ?? []), join(ROOT, 'bin', 'chain-node'), ...cliArgs];
  const startedAt = performance.now();
  const env = options.env === undefined ? undefined : { ...process.env, ...options.env };
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env });
  let err = '';
  const what = options.what ?? 'node';
  const api = await new Promise<string>((resolve, reject) => {
    const timer =
      options.startTimeoutMs === undefined ? undefined : setTimeout(() => reject(new Error(`${what} did not start:\n${err}`)), options.startTimeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /API\s+(http:\/\/\S+)\/status/.exec(err);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`${what} exited (${code}): ${err}`)));
  });
  return { child, api, startedAt };
}

/**
 * `chain-node start` arguments for a regtest node on loopback `p2pPort` (API on a free port, no mDNS, warn-level
 * JSON logs); `mining` names the mining flags, `bootstrap` the peers to dial.
 */
export function regtestStartArgs(datadir: string, p2pPort: number, mining: string[], bootstrap: string[] = []): string[] {
  return [
    'start',
    '--network',
    'regtest',
    '--datadir',
    datadir,
    '--api-port',
    '0',
    '--p2p-host',
    '127.0.0.1',
    '--p2p-port',
    String(p2pPort),
    ...mining,
    '--no-mdns',
    '--log-level',
    'warn',
    '--log-pretty',
    'never',
    ...(bootstrap.length > 0 ? ['--bootstrap', ...bootstrap] : []),
  ];
}

/** Start a regtest node on `p2pPort` (API on a free port) that bootstraps to `bootstrap`. */
export async function startBenchNode(datadir: string, p2pPort: number, bootstrap: string[]): Promise<BenchNode> {
  return spawnChainNode(regtestStartArgs(datadir, p2pPort, ['--no-mine'], bootstrap), {
    // The V8 flag every way of running the daemon passes (bin shebang, npm start, Docker, systemd, clusters).
    nodeFlags: ['--max-semi-space-size=16'],
  });
}

/** SIGTERM a node and wait for it to exit (SIGKILL after 15 s). */
export async function stopBenchNode(p: BenchNode): Promise<void> {
  await stopChild(p.child, 15_000);
}

/** SIGTERM a child process and wait for it to exit (SIGKILL after `killAfterMs`). */
export async function stopChild(child: ChildProcess, killAfterMs: number): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(t);
}
