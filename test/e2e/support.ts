// Helpers for end-to-end tests: build dist/ when it is missing or stale, spawn real node processes and CLI
// commands, and clean up after them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

/** Repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STAMP = join(ROOT, 'dist', '.e2e-build-stamp');
const LOCK = join(ROOT, 'dist', '.e2e-build-lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|mts|mjs|js|json)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function sourcesNewest(): number {
  return Math.max(
    ...['src', 'bin', 'scripts'].map((d) => newestSource(join(ROOT, d))),
    ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(ROOT, f)).mtimeMs),
  );
}

function isFresh(): boolean {
  return existsSync(join(ROOT, 'dist', 'bin', 'cli.js')) && existsSync(STAMP) && statSync(STAMP).mtimeMs >= sourcesNewest();
}

/**
 * Compile to dist/ (`tsc -p tsconfig.build.json`) unless it is newer than every source, so spawned processes
 * run the current code. Parallel test files take turns through a lock directory; type errors elsewhere do not
 * stop the build (tsc still emits), but a missing dist/bin/cli.js does.
 */
export function ensureBuilt(): void {
  if (isFresh()) return;
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than 3 minutes is stale.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 180_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another e2e build');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (isFresh()) return;
    const started = Date.now();
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
    if (!existsSync(join(ROOT, 'dist', 'bin', 'cli.js'))) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
    if (r.status !== 0) process.stderr.write(`# e2e build: tsc reported errors (output still emitted):\n${r.stdout.split('\n').slice(0, 10).join('\n')}\n`);
    writeFileSync(STAMP, new Date(started).toISOString());
    // The stamp must not look newer than sources edited while tsc ran.
    utimesSync(STAMP, new Date(started), new Date(started));
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** A temporary directory removed in teardown. */
export function tempDir(t: Test, prefix = 'chain-node-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An environment without the caller's CHAIN_NODE_* settings, with HOME pointed at `home`. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CHAIN_NODE_') && !k.startsWith('TAP') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, HOME: home, CHAIN_NODE_LOG_LEVEL: 'warn', ...extra };
}

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** A running node process. */
export interface NodeProcess {
  url: string;
  datadir: string;
  proc: ChildProcess;
  /** stderr so far (the startup banner, warnings). */
  stderr(): string;
  stdout(): string;
  /** The admin token from the cookie file. */
  token(): string;
  /** SIGTERM, wait for exit (SIGKILL after `graceMs`); resolves the exit code. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Options of {@link startNode}. */
export interface StartNodeOptions {
  datadir: string;
  home: string;
  /** true: --mine, false: --no-mine, undefined: the network's default (on for devnet and regtest). */
  mine?: boolean;
  network?: string;
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Spawn `chain-node start` (regtest, API on a free port, no p2p) and wait for its API URL on stderr. */
export async function startNode(t: Test, o: StartNodeOptions): Promise<NodeProcess> {
  const args = ['bin/chain-node', 'start', '--network', o.network ?? 'regtest', '--datadir', o.datadir, '--no-p2p', ...(o.mine === false ? ['--no-mine'] : o.mine === true ? ['--mine'] : []), ...(o.args ?? ['--api-port', '0'])];
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: cleanEnv(o.home, o.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`node did not print its API URL within ${o.timeoutMs ?? 60_000} ms:\n${err}\n${out.slice(-2000)}`)), o.timeoutMs ?? 60_000);
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /API\s+(https?:\/\/[^\s]+)\/status/.exec(err);
      if (m !== null) {
        clearTimeout(timer);
        res(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`node exited (${code}) before serving:\n${err}\n${out.slice(-2000)}`));
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<number | null> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  t.teardown(() => stop('SIGTERM', 5000).then(() => undefined));
  return { url, datadir: o.datadir, proc, stderr: () => err, stdout: () => out, token: () => readFileSync(join(o.datadir, 'api.cookie'), 'utf8').trim(), stop, exited };
}

/** Result of a CLI run. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `chain-node <args>` to completion (killed after `timeoutMs`). */
export async function runCli(args: string[], o: { home: string; env?: Record<string, string>; input?: string; timeoutMs?: number }): Promise<CliResult> {
  const proc = spawn(process.execPath, ['bin/chain-node', ...args], { cwd: ROOT, env: cleanEnv(o.home, o.env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdin.end(o.input ?? '');
  const timer = setTimeout(() => proc.kill('SIGKILL'), o.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((res) => proc.once('close', (c) => res(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Parse a CLI's JSON stdout, with the whole output in the error when it is not JSON. */
export function json<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

/** The `{error: {code}}` a `--json` CLI run printed on stderr. */
export function errorCode(r: CliResult): string | undefined {
  const line = r.stderr.trim().split('\n').pop() ?? '';
  try {
    return (JSON.parse(line) as { error?: { code?: string } }).error?.code;
  } catch {
    return /error \[([A-Z0-9_]+)\]/.exec(r.stderr)?.[1];
  }
}

/** Poll `fn` until it returns a value other than undefined, or fail after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastErr === undefined ? '' : ` (last error: ${String(lastErr)})`}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** GET/POST JSON against a node; returns status and parsed body. */
export async function http(url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

/** The error code of an API error body. */
export function apiCode(body: Record<string, unknown>): string | undefined {
  return (body.error as { code?: string } | undefined)?.code;
}
