// Helpers for end-to-end tests: build dist/ when it is missing or stale, spawn real node processes and CLI
// commands, and clean up after them.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';

import { ROOT } from '../utils/ensure-built.js';

export { ROOT, ensureBuilt } from '../utils/ensure-built.js';
export { freePort } from '../utils/free-port.js';
export { tempDirSync as tempDir } from '../utils/temp-dir.js';
export { waitFor } from '../utils/wait-for.js';

/** An environment without the caller's CHAIN_NODE_* settings, with HOME pointed at `home`. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CHAIN_NODE_') && !k.startsWith('TAP') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, HOME: home, CHAIN_NODE_LOG_LEVEL: 'warn', ...extra };
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
  const args = [
    'bin/chain-node',
    'start',
    '--network',
    o.network ?? 'regtest',
    '--datadir',
    o.datadir,
    '--no-p2p',
    ...(o.mine === false ? ['--no-mine'] : o.mine === true ? ['--mine'] : []),
    ...(o.args ?? ['--api-port', '0']),
  ];
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: cleanEnv(o.home, o.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`node did not print its API URL within ${o.timeoutMs ?? 60_000} ms:\n${err}\n${out.slice(-2000)}`)),
      o.timeoutMs ?? 60_000,
    );
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
  return {
    url,
    datadir: o.datadir,
    proc,
    stderr: () => err,
    stdout: () => out,
    token: () => readFileSync(join(o.datadir, 'api.cookie'), 'utf8').trim(),
    stop,
    exited,
  };
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
