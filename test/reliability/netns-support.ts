// Network namespaces for the multi-host fault test: every node in a namespace of its own with its own 10.x
// addresses, joined by veth pairs to bridges inside a "switch" namespace; nothing is added to the host's own
// network namespace. Layout (N = a per-run prefix):
//
//   N-sw:  br1 (group 1) -- t1 ==trunk== t2 -- br2 (group 2); s<i> is node i's data link on its group's bridge
//   N-ctl: brc 10.78.0.254, k<i> is node i's control link (HTTP API only, never cut)
//   N-<i>: eth0 10.77.0.<i+1> (P2P), ctl0 10.78.0.<i+1> (API)
//
// The partition is the trunk going down (or netem loss 100%), so each group still talks inside itself. The test
// process reaches the APIs through one controller process started in N-ctl that relays HTTP requests received as
// JSON lines on its stdin (pipes cross namespaces).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Run a command; throws with its stderr on a non-zero exit. */
export function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error !== undefined) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Which of the tools the test needs are missing (`ip` and `tc` from iproute2, with the netem qdisc). */
export function missingTools(): string[] {
  const missing: string[] = [];
  for (const [cmd, args] of [
    ['ip', ['-V']],
    ['tc', ['-V']],
  ] as const) {
    const r = spawnSync(cmd, [...args], { encoding: 'utf8' });
    if (r.error !== undefined || r.status !== 0) missing.push(cmd);
  }
  return missing;
}

const CONTROLLER = `
import { createInterface } from 'node:readline';
const rl = createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  const q = JSON.parse(line);
  try {
    const res = await fetch(q.url, { method: q.method, headers: q.headers, body: q.body, signal: AbortSignal.timeout(q.timeoutMs) });
    process.stdout.write(JSON.stringify({ id: q.id, status: res.status, text: await res.text() }) + '\\n');
  } catch (err) {
    process.stdout.write(JSON.stringify({ id: q.id, error: String(err && err.message || err) }) + '\\n');
  }
});
rl.on('close', () => process.exit(0));
`;

/** A topology of `n` node namespaces in two groups (indices in `group2` on the far side of the trunk). */
export class Topology {
  readonly prefix: string;
  readonly n: number;
  readonly group2: ReadonlySet<number>;
  #created: string[] = [];
  #controller: ChildProcess | undefined;
  #pending = new Map<number, (r: { status?: number; text?: string; error?: string }) => void>();
  #nextId = 0;

  constructor(n: number, group2: number[]) {
    this.prefix = `cn${process.pid % 100000}${Math.floor(Math.random() * 1000)}`;
    this.n = n;
    this.group2 = new Set(group2);
  }

  ns(i: number | 'sw' | 'ctl'): string {
    return `${this.prefix}-${i}`;
  }

  /** P2P address of node i. */
  dataIp(i: number): string {
    return `10.77.0.${i + 1}`;
  }

  /** API address of node i. */
  ctlIp(i: number): string {
    return `10.78.0.${i + 1}`;
  }

  #ip(ns: string, ...args: string[]): void {
    sh('ip', ['-n', ns, ...args]);
  }

  #addNs(name: string): void {
    sh('ip', ['netns', 'add', name]);
    this.#created.push(name);
    this.#ip(name, 'link', 'set', 'lo', 'up');
  }

  /** Create the namespaces, bridges, links and addresses, and start the API controller. */
  create(): void {
    const sw = this.ns('sw');
    const ctl = this.ns('ctl');
    this.#addNs(sw);
    this.#addNs(ctl);
    for (const br of ['br1', 'br2']) {
      this.#ip(sw, 'link', 'add', br, 'type', 'bridge');
      this.#ip(sw, 'link', 'set', br, 'up');
    }
    this.#ip(sw, 'link', 'add', 't1', 'type', 'veth', 'peer', 'name', 't2');
    this.#ip(sw, 'link', 'set', 't1', 'master', 'br1', 'up');
    this.#ip(sw, 'link', 'set', 't2', 'master', 'br2', 'up');
    this.#ip(ctl, 'link', 'add', 'brc', 'type', 'bridge');
    this.#ip(ctl, 'addr', 'add', '10.78.0.254/24', 'dev', 'brc');
    this.#ip(ctl, 'link', 'set', 'brc', 'up');
    for (let i = 0; i < this.n; i++) {
      const me = this.ns(i);
      this.#addNs(me);
      // Each pair is created inside the switch (or control) namespace and its peer end moved into the node's.
      this.#ip(sw, 'link', 'add', `s${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', me);
      this.#ip(sw, 'link', 'set', `s${i}`, 'master', this.group2.has(i) ? 'br2' : 'br1', 'up');
      this.#ip(ctl, 'link', 'add', `k${i}`, 'type', 'veth', 'peer', 'name', 'ctl0', 'netns', me);
      this.#ip(ctl, 'link', 'set', `k${i}`, 'master', 'brc', 'up');
      this.#ip(me, 'addr', 'add', `${this.dataIp(i)}/24`, 'dev', 'eth0');
      this.#ip(me, 'addr', 'add', `${this.ctlIp(i)}/24`, 'dev', 'ctl0');
      this.#ip(me, 'link', 'set', 'eth0', 'up');
      this.#ip(me, 'link', 'set', 'ctl0', 'up');
    }
    const c = spawn('ip', ['netns', 'exec', ctl, process.execPath, '--input-type=module', '-e', CONTROLLER], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#controller = c;
    createInterface({ input: c.stdout! }).on('line', (line) => {
      const r = JSON.parse(line) as { id: number; status?: number; text?: string; error?: string };
      this.#pending.get(r.id)?.(r);
      this.#pending.delete(r.id);
    });
  }

  /** Whether this kernel has the netem qdisc (probed on a namespace's loopback; nothing outside it changes). */
  netemSupported(): boolean {
    const ns = this.ns('sw');
    const r = spawnSync('tc', ['-n', ns, 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'], { encoding: 'utf8' });
    if (r.status !== 0) return false;
    sh('tc', ['-n', ns, 'qdisc', 'del', 'dev', 'lo', 'root']);
    return true;
  }

  /**
   * Impair the egress of `dev` in namespace `ns`: `tc ... netem delay <ms> <jitter> loss <pct>` where the kernel
   * has netem; without it, loss only, with tc too: a classic-BPF classifier on the clsact egress hook matches a
   * packet when the kernel's random number is under the loss share, and its mirred action redirects it to a veth
   * that is down, which drops it; and an HTB rate limit of `rateMbit`. Returns what was applied.
   */
  impair(ns: string, dev: string, o: { delayMs: number; jitterMs: number; lossPct: number; rateMbit: number }, netem: boolean): string {
    if (netem) {
      sh('tc', ['-n', ns, 'qdisc', 'replace', 'dev', dev, 'root', 'netem', 'delay', `${o.delayMs}ms`, `${o.jitterMs}ms`, 'loss', `${o.lossPct}%`]);
      return `netem delay ${o.delayMs}±${o.jitterMs} ms, loss ${o.lossPct}%`;
    }
    const sink = `bh-${dev}`.slice(0, 15);
    this.#ip(ns, 'link', 'add', sink, 'type', 'veth', 'peer', 'name', `${sink.slice(0, 13)}-p`);
    sh('tc', ['-n', ns, 'qdisc', 'add', 'dev', dev, 'clsact']);
    const threshold = Math.round((o.lossPct / 100) * 2 ** 32);
    // ld rand (SKF_AD_OFF + SKF_AD_RANDOM); jge threshold -> ret 0 (no match); ret -1 (match: drop)
    const bytecode = `4,32 0 0 ${2 ** 32 - 0x1000 + 56},53 1 0 ${threshold},6 0 0 ${2 ** 32 - 1},6 0 0 0`;
    sh('tc', ['-n', ns, 'filter', 'add', 'dev', dev, 'egress', 'bpf', 'bytecode', bytecode, 'action', 'mirred', 'egress', 'redirect', 'dev', sink]);
    // No delay line without netem; an HTB rate limit at least adds queueing delay when a link is busy.
    sh('tc', ['-n', ns, 'qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '10']);
    sh('tc', ['-n', ns, 'class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:10', 'htb', 'rate', `${o.rateMbit}mbit`]);
    return `random loss ${o.lossPct}% (tc bpf + mirred) and rate ${o.rateMbit} Mbit/s (htb); no fixed latency: the kernel has no netem`;
  }

  /** Packets dropped so far by {@link impair}'s fallback on `dev` in `ns` (0 with netem). */
  dropped(ns: string, dev: string): number {
    const out = spawnSync('tc', ['-n', ns, '-s', 'filter', 'show', 'dev', dev, 'egress'], { encoding: 'utf8' }).stdout ?? '';
    return [...out.matchAll(/Sent \d+ bytes (\d+) pkt/g)].reduce((s, m) => s + Number(m[1]), 0);
  }

  /** Bring the trunk between the groups down (partition) or up (heal). */
  trunk(up: boolean): void {
    for (const dev of ['t1', 't2']) this.#ip(this.ns('sw'), 'link', 'set', dev, up ? 'up' : 'down');
  }

  /** Start a process inside node i's namespace. */
  spawnIn(i: number, cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.ns(i), cmd, ...args], { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** An HTTP request through the controller in the control namespace. */
  request(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
  ): Promise<{ status: number; text: string }> {
    const c = this.#controller;
    if (c === undefined) return Promise.reject(new Error('topology not created'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (r) => (r.error !== undefined ? reject(new Error(r.error)) : resolve({ status: r.status!, text: r.text! })));
      c.stdin!.write(
        `${JSON.stringify({ id, url, method: init.method ?? 'GET', headers: init.headers, body: init.body, timeoutMs: init.timeoutMs ?? 15_000 })}\n`,
      );
    });
  }

  /** Stop the controller and delete every namespace created (links and bridges go with them). */
  destroy(): string[] {
    const errors: string[] = [];
    this.#controller?.stdin?.end();
    this.#controller?.kill('SIGKILL');
    for (const name of this.#created.reverse()) {
      const r = spawnSync('ip', ['netns', 'del', name], { encoding: 'utf8' });
      if (r.status !== 0) errors.push(`ip netns del ${name}: ${r.stderr.trim()}`);
    }
    this.#created = [];
    return errors;
  }
}
